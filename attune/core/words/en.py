"""English rules for the words check (docs/practice.md §6).

Each rule reads: the kind of framing, a pattern over words and phrases (lower case,
quoted speech blanked), why in plain words, a rewording, and when it does not apply
(see :class:`~attune.core.words.rules.Rule`). Rewordings quote only words that pass.
"""

from __future__ import annotations

from attune.core.words.rules import Language, Negation, Rule, Who, WordRule, words

# Number words, for "eight out of ten".
_N = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
      r"twenty|thirty|fifty|a hundred|hundred)")
# Two and more ("one of her small signals" names one signal; "two of her signals" counts).
_N2 = (r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
       r"twenty|thirty|fifty)")
_YOU_BE = r"you(?:'re| are| were|'ve been| have been| was)"

_DESCRIBE = "Say what the parent did and what the baby did next: "

RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------- comparison with their usual self
    Rule(WordRule.USUAL,
         r"finally|at (?:long )?last|for once|for a change|eventually|once and for all",
         "compares the parent with how they usually are: it says this is rare",
         "Describe this moment on its own: 'You waited, and she had her turn.'"),
    Rule(WordRule.USUAL,
         r"unlike (?:usual|normal|before|last time|other times|other days|yesterday|"
         r"last week|the last|what you usually|you usually|most days|always|the other)\w*"
         r"|not like (?:usual|before|last time)|as usual|same as always|like you always do",
         "compares the parent with how they usually are",
         "Describe this moment on its own: 'You turned to her, and she smiled.'"),
    Rule(WordRule.USUAL, r"normally|usually|typically|generally|most days|most of the days",
         "talks about how the parent usually is, not this moment",
         "Describe this moment on its own: 'You waited, and she had her turn.'",
         who=Who.NOT_BABY),
    Rule(WordRule.USUAL,
         r"than (?:usual|normal|you usually|you normally|you used to|you often do|most days)|"
         r"this time|you used to|used to be|"
         r"(?:getting|got|get) (?:much |a lot |so much |a bit )?better|improv(?:ed|ing)|"
         r"(?:much|so much|a lot) better|better (?:at|now)|for the first time|"
         r"(?:any ?more|no longer) (?:ignore|miss|rush|shout|look at your phone)\w*",
         "compares the parent with how they were before: it says they were worse",
         "Describe this moment on its own: 'You stayed close, and she settled.'",
         who=Who.PARENT),
    Rule(WordRule.USUAL,
         r"compared? (?:to|with) (?:last|the last|before|earlier|previous\w*|yesterday|"
         r"your (?:first|last|earlier|previous)\w*|how you were|when you started)\w*|"
         r"(?:the )?first (?:visit|session|clip|film|video)s? (?:where|when|that) you|"
         r"(?:last|previous) (?:month|week|visit|time|session) you (?:would|used|wouldn't|"
         r"couldn't|didn't)|"
         r"coming on|come on so|after (?:so long|all this time)",
         "compares the parent with how they were before: it says they were worse",
         "Describe this moment on its own: 'You stayed close, and she settled.'"),
    # ----------------------------------------------------- concessive, backhanded, "but"
    Rule(WordRule.CONTRAST, r"but",
         "'but' takes back what came before it",
         "Use 'and': 'You waited, and she had her turn.'"),
    Rule(WordRule.CONTRAST,
         r"even though|even if|even when you|although|though|despite|in spite of|however|"
         r"nevertheless|nonetheless|and yet|, yet|all the same|at least|to be fair|"
         r"in fairness|admittedly|granted|i suppose|i guess|could be worse|"
         r"could have been worse|not perfect|wasn't perfect|isn't perfect|"
         r"still (?:managed|got|did|made|found|came)",
         "concessive: it makes the good moment sound grudging",
         "Keep only the good part: 'You stayed with her, and she calmed.'"),
    Rule(WordRule.CONTRAST, r"almost|nearly|only just|just about|half[- ]heartedly",
         "backhanded: it says the parent did not quite manage",
         "Say what did happen: 'You reached for her, and she smiled.'",
         who=Who.NOT_BABY),
    Rule(WordRule.CONTRAST,
         r"not (?:too |so |that |half )?(?:bad|awful|terrible)|"
         r"(?:good|well|quick|fast|calm|patient|gentle|nice|great|okay|ok|alright) for you|"
         r"for (?:someone like you|a (?:young|new|first[- ]time|single) (?:mum|dad|parent)\w*)|"
         r"(?:a (?:bit|little|tad)|rather|quite|somewhat|a touch) "
         r"(?:slow|late|rough|loud|fast|flat|distracted|stiff|awkward|clumsy|hesitant|"
         r"unsure|wooden|forced|rushed|much)|"
         r"took (?:you )?(?:a while|a bit|some time|a long time|ages|a minute|long enough)|"
         r"(?:(?:quite|rather|a bit of|a) )?(?:slow|shaky|rocky|rough|bumpy|wobbly|hesitant|"
         r"tentative|tricky|difficult|hard|awkward|clumsy|bad|poor) (?:start|beginning)|"
         r"(?:a (?:bit|little)|rather|quite|slightly|somewhat) (?:flustered|frazzled|"
         r"stressed|rattled|thrown|wobbly|lost)|shame (?:that|the|about|you)|"
         r"you did well to|did well (?:despite|considering)|"
         r"considering (?:everything|all|how|that|the|what)|"
         r"in the end|got there in the end|slowly (?:but|and)|reasonably|fairly well|"
         r"(?:ok|okay|alright)[- ]ish|sort of okay",
         "backhanded: it praises and belittles in one breath",
         "Say what did happen: 'You turned to her, and she smiled.'"),
    # ---------------------------------------------------- instructions and obligations
    Rule(WordRule.INSTRUCTION,
         r"should(?:n't| not| have|'ve)?|ought(?:n't)? to|must(?:n't)?|have to|has to|"
         r"had better|need(?:s)? to|needs you to|try to|try and|try not to|keep trying|"
         r"keep it up|keep going|keep doing|next time|in (?:the )?future|from now on|"
         r"going forward|moving forward|make sure|be sure to|remember to|don't forget|"
         r"do not forget|it would be (?:good|better|nice|great|helpful|lovely) (?:if|to)|"
         r"it'?s important (?:to|that)|it (?:might|may|would|will) help (?:to|if)|"
         r"you (?:might|may|could) want to|why not|how about|what if you|"
         r"can you try|you could try|you might try|be careful|"
         r"be more|be less|a bit more (?:slowly|gently|quietly|calmly|patient\w*)|"
         r"if only|if you had|if you'd|please|ideally|"
         r"(?:it )?(?:might|may|would|could) be (?:worth|good|better|best|nice|helpful|"
         r"an idea|a good idea|useful)|worth (?:trying|letting|giving|waiting|having a go)|"
         r"something to (?:work on|think about|try|practise|practice)|work on|"
         r"(?:a (?:little|bit) )?(?:less|more|fewer) \w+ (?:would|will|could|might)|"
         r"don't be (?:afraid|scared|shy|worried)|"
         r"you(?:'d| would) have (?:\w+ed|done|been|seen|had|let|felt|given)",
         "tells the parent what to do instead of showing what worked",
         "Describe what worked and invite more of it: 'When you waited, she had her turn.'",
         negation_passes=True),
    Rule(WordRule.INSTRUCTION,
         r"could have|could've|would have been|would've been|might have|might've|"
         r"would have (?:helped|worked|been)",
         "says what the parent could have done instead",
         "Describe what worked: 'When you waited, she had her turn.'",
         who=Who.NOT_BABY),
    Rule(WordRule.INSTRUCTION,
         r"(?:wait|slow down|stop|keep|give|let|put|hold|talk|follow|remember|listen|pick|"
         r"sit|get|turn|answer|respond|don't|do|be|try|make|take|use|leave|avoid|allow|"
         r"offer|focus|speak|smile|copy|respond|name|mirror|reduce|lower|calm|move|go|"
         r"stay|slow)(?=[\s,;:!.]|$)|"
         r"(?:maybe|perhaps|just|now|so|and|then) (?:wait|slow down|stop|keep|give|let|put|hold|"
         r"talk|follow|remember|listen|pick|sit|try|take|leave|avoid|allow|offer|focus|"
         r"speak|smile|copy|name|mirror|go|notice|watch|look|stay|show)(?=[\s,;:!.]|$)|"
         r"try (?:\w+ing)",
         "an order: it tells the parent what to do",
         "Describe what the parent did: 'You waited, and she had her turn.'",
         sentence_start=True, bounded=False),
    # ----------------------------------------------------------- bare evaluative praise
    Rule(WordRule.PRAISE,
         r"(?:good|great|nice|brilliant|excellent|fantastic|amazing|super|lovely|wonderful|"
         r"awesome|top|fab|fabulous|terrific) (?:job|work|effort|stuff|going|try|one|parenting)"
         r"|well done|bravo|nailed it|smashed it|spot on|way to go|gold star|high five|"
         r"you did (?:it(?=\s*(?:[!.]|$))|great|well|good|brilliantly|so well|amazingly|fab)|"
         r"(?:so |really |very )?proud of you|(?:you're|you are|you were|such) a natural|superstar|"
         r"you(?:'re| are| were) (?:a star|the best|a hero|a legend)|"
         r"(?:good|great|brilliant|amazing|lovely|fantastic|perfect|wonderful|natural|best|"
         r"super|top|fab|proper) (?:mum|mom|mother|dad|father|parent|mummy|daddy|mam)s?|"
         r"super ?(?:mum|dad)|good (?:girl|boy)|clever (?:girl|boy)|"
         r"(?:did|got|do|get|doing|done) (?:it|that|this|everything) (?:right|"
         r"(?:so |really )?(?:beautifully|brilliantly|perfectly|well|great|amazingly))|"
         r"(?:the )?right (?:thing|way|answer)|textbook|exactly right|just right|"
         r"(?:what|such) a (?:star|pro|champ|legend|hero|natural|rock ?star|trooper)|"
         r"(?:you(?:'re| are| were)|you're such) a (?:pro|champ|natural|star|legend|hero)|"
         r"(?:top|full|high) marks|(?:ten|10) out of (?:ten|10)|a\+|well done you",
         "praises without saying what the parent did",
         _DESCRIBE + "'You held her close, and she settled.'"),
    Rule(WordRule.PRAISE,
         _YOU_BE + r" (?:so |really |just |absolutely |truly )?"
         r"(?:amazing|brilliant|great|fantastic|perfect|wonderful|awesome|excellent|"
         r"incredible|so good|really good|good|fab|fabulous|superb|the best|ace)",
         "praises without saying what the parent did",
         _DESCRIBE + "'You smiled back, and she kept smiling.'"),
    Rule(WordRule.PRAISE,
         r"perfect(?:ly)?|flawless(?:ly)?|faultless(?:ly)?|excellent|superb|outstanding|"
         r"impeccabl[ey]",
         "a verdict, not a description: it sets a standard to live up to",
         _DESCRIBE + "'You matched her pace, and she stayed with you.'",
         unless_after=r"\s+(?:still|happy|content|calm|safe|normal|natural|fine|ok|okay)\b"),
    Rule(WordRule.PRAISE,
         r"(?:amazing|brilliant|great|fantastic|perfect|wonderful|awesome|excellent|lovely|"
         r"super|fab|ace|wow|yay|beautiful|beautifully done|good|nice|well|superb|"
         r"that was (?:amazing|brilliant|great|fantastic|lovely|beautiful|good|nice|"
         r"wonderful|lovely to see))(?:,? (?:mum|dad|mummy|daddy))?(?=\s*(?:[!.]|$))",
         "praises without saying what the parent did",
         _DESCRIBE + "'You smiled back, and she kept smiling.'",
         sentence_start=True),
    # ------------------------------------------------------------- labels on the baby
    Rule(WordRule.LABEL,
         r"manipulat\w*|spoil(?:t|ed|ing|s)?|naughty|demanding|clingy|needy|"
         r"attention[- ]seek\w*|playing (?:you|up)|plays (?:you|up)|played (?:you|up)|"
         r"wind(?:s|ing)? you up|wound you up|test(?:s|ing)? you|push(?:es|ing)? your buttons|"
         r"knows how to get|wrapped (?:round|around)|little (?:madam|monster|terror|devil|"
         r"tyrant|so-and-so)|drama queen|tantrums?|fuss(?:y|pot)|a handful|"
         r"(?:greedy|lazy) (?:baby|boy|girl|eater|feeder|guts)|"
         r"(?:is|was|being|so) (?:lazy|greedy)|(?:is|was|being|such|so) hard work|"
         r"difficult (?:baby|child|boy|girl|one)|(?:being|is|was|so) difficult|"
         r"grumpy|moody|whiny|whingey|whing(?:e)?ing|stroppy|bad (?:baby|boy|girl|temper|mood)|"
         r"trying it on|crocodile tears|crying for nothing|fake (?:cry|crying|tears)|faking|"
         r"sulk\w*|velcro baby|bossy|stubborn|cheeky monkey|sly|putting it on|"
         r"divas?|prima donna|little (?:princess|miss|mister|madam|man) (?:drama|bossy|"
         r"grumpy|moody|fussy)\w*|(?:so|such a|very) dramatic|"
         r"(?:just |only )?wants? (?:attention|a reaction|(?:her|his|their) own way)|"
         r"for attention|(?:get|gets|getting|got|have|has|having) (?:her|his|their) own way|"
         r"whinger\w*|whiner|moaner|"
         r"(?:little|real|right) (?:charmer|character|rascal|minx|menace|pickle)|"
         r"(?:a|such a) (?:fussy|grumpy|moody|needy|clingy) (?:little )?(?:one|thing|baby)",
         "puts a label on the baby instead of reading the signal",
         "Say what the baby was telling the parent: 'She was telling you she needed you "
         "close, and you held her.'"),
    # ---------------------------------------------------------------- counting, ranking
    Rule(WordRule.COUNTING,
         _N + r" (?:out of|in|of)(?: (?:the|her|his|their|your|all|these|those))? " + _N +
         r"|\d+ ?/ ?\d+|"
         r"(?:half|a third|a quarter|two thirds|three quarters|most|some|many|a few|few|"
         r"none|all but \w+|" + _N2 + r") of (?:her|his|their|the baby's|your baby's) "
         r"(?:\w+ )?(?:signals|smiles|cues|sounds|bids|cries|looks|calls|attempts|turns|"
         r"babbles|reaches|coos|gestures|tries|glances)|"
         r"(?:the|your) (?:best|worst|strongest|weakest|top) (?:moment|minute|one|clip|visit|"
         r"session)s? (?:of|in|today|this|so far|yet)|"
         r"(?:the )?only (?:time|times|once|moment|moments|one|clip|visit|session|video|"
         r"film|day|part|bit|minute)|only (?:once|twice|a few times|"
         r"a couple of times|one time)|just (?:once|twice)|most of the time|"
         r"half (?:of )?the time|some of the time|none of the time|more often than not|"
         r"every other time|times out of|top (?:\d+|ten|three|five)|"
         r"ranking|ranked|rating|rated|graded|(?:a|one) in (?:two|three|four|ten)",
         "counts against a total or ranks: it shows what was not done",
         "Count what happened, never against a total: 'You answered her 8 times.'"),
    # ----------------------------------------------------- the parent's failures
    Rule(WordRule.NEGATIVE, r"ignor(?:ed|es|e|ing)",
         "blames the parent for what they did not do",
         "Name a moment the parent noticed: 'You turned to her when she called.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.NEGATIVE, r"miss(?:ed|es|ing)?",
         "dwells on what the parent did not see",
         "Name a moment the parent noticed: 'You spotted her small signal.'",
         who=Who.NOT_BABY, negation_passes=True,
         unless_after=r"\s+(?:you|mummy|daddy|mum|dad|mama|her mum|her dad|his mum|his dad|"
                      r"home|each other|her sister|his sister|her brother|his brother|"
                      r"them|him|nan|nanny|grandma|grandad)\b"),
    Rule(WordRule.NEGATIVE, r"fail(?:ed|s|ing|ure|ures)?",
         "calls the moment a failure",
         "Name what went well: 'You stayed with him, and he calmed.'",
         negation_passes=True),
    Rule(WordRule.NEGATIVE,
         r"wrong(?:ly)?|mistakes?|mistaken|errors?|blunders?|messed up|mess(?:ed)? it up|"
         r"got it wrong|slip-ups?",
         "calls something the parent did wrong",
         "Describe the moment and what helped: 'You tried again, and she smiled.'"),
    Rule(WordRule.NEGATIVE,
         r"overlook\w*|neglect\w*|unresponsive|unavailable|switched off|zoned out|tuned out|"
         r"checked out|distracted|preoccupied|on your phone|(?:at|on) the phone|"
         r"not paying attention|wasn't paying attention|weren't paying attention|"
         r"too (?:slow|late|fast|quick|loud|rough|much|little|busy|tired|harsh|hard|long|"
         r"soon|early|noisy|intense|far)|slow to|late to|took too long|forgot(?:ten)?|"
         r"lost your (?:temper|patience|cool)|snapped|shouted|yelled|got cross|got angry|"
         r"got frustrated|struggl\w*|problems?|issues?|couldn't cope|can't cope|not coping|"
         r"not enough|intrusive\w*|insensitiv\w*|harsh(?:ly)?|rough(?:ly)?|"
         r"unaware|oblivious|clueless|bored|impatient\w*|irritat\w*|annoyed|angry|"
         r"interrupt(?:ed|ing|s)?|talked over|cut (?:her|him|them) off|"
         r"pulled away from (?:her|him)|turned away from (?:her|him)|"
         r"looked away from (?:her|him)|"
         r"(?:looked|turned|glanced) away (?:just )?(?:as|when|while|the moment)|"
         r"too busy|rushed (?:her|him|them|through)|hurried (?:her|him|them)",
         "points to what the parent did badly",
         "Name what went well: 'You stayed with him, and he calmed.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.UNANSWERED,
         r"unanswered|not answered|no (?:response|reply|answer|reaction from you)|"
         r"without (?:a )?response|went unnoticed|unnoticed|nobody answered|no one answered|"
         r"left (?:her|him|them) (?:crying|alone|to cry)|let (?:her|him|them) cry|"
         r"(?:her|his|their) (?:call|signal|bid|cry|cries|signals|bids) went|"
         r"before (?:anyone|anybody|someone|you) (?:answered|responded|noticed|came|reacted|"
         r"looked|turned)|(?:twice|" + _N + r" times|several times|a few times|again and "
         r"again|for a while|for ages) before you|you didn't come|you never came|no one came",
         "mentions a signal that was not answered",
         "Leave out moments that were not answered; show one that was: "
         "'She reached, and you named it.'"),
    Rule(WordRule.JUDGEMENT,
         r"(?:bad|poor|terrible|lazy|useless|selfish|hopeless|rubbish|awful|neglectful|unfit|"
         r"cold|careless|absent|distant|weak|inadequate) "
         r"(?:mum|mom|mother|dad|father|parent|mummy|daddy|mam|parenting)s?|"
         r"poor(?:ly)?|bad(?:ly)?|useless|hopeless|rubbish|selfish|careless|incompetent|"
         r"inadequate|awful(?:ly)?|terribl[ey]|dreadful(?:ly)?|pathetic|not good enough|"
         r"disappoint\w*|careless\w*|"
         r"(?:you(?:'re| are| were| seemed| seem| looked| sounded| can be| could be)|"
         r"you(?:'ve| have) been) (?:a bit |quite |so |very |rather |really |too |a little )?"
         r"(?:cold|distant|detached|stern|snappy|unkind|harsh|abrupt|short with)|"
         r"not your (?:finest|best) (?:moment|hour|day)|"
         r"let (?:her|him|them) down|lets (?:her|him|them) down",
         "judges the parent as a person",
         "Describe what happened in plain, warm words: 'You held her, and she settled.'",
         unless_before=r"(?:not|no|never|n't|nothing|she|he|they|baby|it)\s+(?:\w+\s+){0,2}"),
    # ----------------------------------------------------------------------- jargon
    Rule(WordRule.JARGON, r"(?:dis)?engagement\s+cues?|engagement cue",
         "a professional word",
         "Say what the baby did: 'when he looked away for a rest'."),
    Rule(WordRule.JARGON,
         r"contingen(?:t|tly|cy|cies)|latenc(?:y|ies)|scor(?:e|es|ed|ing)|"
         r"percent(?:age|ages|s)?|per\s+cent|proportion|ratio|sensitivity|attunement(?: rate)?|"
         r"attuned|valence|potency|potent|(?:over|under)?stimulation|overstimulat\w*|"
         r"mentali[sz]\w*|reflective function\w*|dyad\w*|reciprocity|synchron\w*|"
         r"co-?regulat\w*|self-regulat\w*|dysregulat\w*|regulat(?:e|ed|es|ing|ion)|"
         r"scaffold\w*|intervention|baseline|metrics?|data|coded|coding|"
         r"(?:her|his|their|your|positive|negative|flat|shared|the baby's) affect|"
         r"joint attention|marked mirroring|affect (?:attunement|matching|mismatch)|"
         r"secure base|attachment (?:behaviou?rs?|style|figure|system)|insecure\w*|"
         r"avoidant|ambivalent|disorgani[sz]ed|responsiveness|maternal|paternal|"
         r"infant cue|cue response|dyadic|bids? for (?:attention|connection)|"
         r"serve-and-return rate|turn-taking rate",
         "a professional word",
         "Use everyday words: 'you answered her within a second or two'."),
    Rule(WordRule.JARGON, r"%|\u066a|\ufe6a|\uff05", "a professional word",
         "Give a count, never a percentage: '18 moments'.", bounded=False),
    # ----------------------------------------------------- other families
    Rule(WordRule.COMPARISON,
         r"(?:compared?\s+(?:to|with)|than|like|unlike|as)\s+(?:most|other|many|the other|"
         r"normal|all the other)\s+(?:families|parents|mums|moms|dads|babies|children|people|"
         r"mothers|fathers)|(?:other|most|average|typical|normal|the other)\s+"
         r"(?:families|parents|mums|moms|dads|babies|mothers|fathers)|"
         r"(?:the\s+)?average(?:\s+(?:family|parent|baby|mum|dad))?|everyone else|"
         r"the rest of the group|than most|most parents|other people'?s|"
         r"(?:most|many|lots of|a lot of|other) (?:mums|moms|dads|parents|people) would",
         "compares with other families",
         "Compare only with this family's own earlier sessions: 'More back-and-forth than "
         "last time.'"),
)

NEGATION = Negation(
    negators=(r"(?:(?:did|do|does|was|were|is|are|could|can|would|will|has|have|had|"
              r"should|might|must)\s+not)|\w+n't|cannot|never|not|no|nothing|nobody|no one|"
              r"none|neither|nor"),
    skip=(r"even|once|ever|really|quite|at all|just|seem to|seems to|seemed to|"
          r"want to|wanted to|wanting to|be|been|being|have|has|had|do|did|does|"
          r"get|got|a|an|the|single|for a second|for a moment|for one second|one bit|"
          r"you|she|he|they|it|her|him|could|can|would|will|need to|needed to|try to|"
          r"tried to|to|seem|seemed|mean to|meant to|was|were|is|are|so much as|"
          r"dare|bother to|anything|something|going to|able to|make|made"),
    strengths=(
        r"give up|gave up|giving up|given up|stop\w*|quit\w*|rush\w*|hurr(?:y|ied|ying)|"
        r"hesitat\w*|let (?:\w+ )?(?:go|down|slip|drop)|leav\w*|left|enough|"
        r"look(?:ed|ing)? away|turn(?:ed|ing)? away|pull(?:ed|ing)? away|"
        r"(?:take|took|taking|taken) (?:your|her|his|their) eyes off|"
        r"(?:break|broke) (?:eye contact|your gaze)|miss\w*|ignor\w*|fail\w*|forg[eo]t\w*|"
        r"lose|lost|losing|give in|gave in|need\w*|mind\w*|panic\w*|flinch\w*|"
        r"cr(?:y|ied|ying)|fuss\w*|protest\w*|worr\w*|doubt\w*|wonder|matter|only|just|"
        r"longer|far|alone|time|end|ended|ending|tire\w*|wait(?:ed)? long|last long|"
        r"take long|took long|get enough|got enough|get bored|got bored|wane|waver\w*|"
        r"drop\w*|slip\w*|falter\w*|flag|flagged|budge\w*|move away|moved away|"
        r"rais\w* your voice|interrupt\w*|talk over|talked over|overdo|overdid|"
        r"hold back|held back|help (?:smiling|laughing|giggling|grinning)|"
        r"(?:happier|calmer|closer|prouder|cosier|comfier|safer)|"
        r"problem|bother\w*|complain\w*|startl\w*|jump\w*|less than|surprise|"
        r"question|shy away|shied away|back off|backed off|distract\w*|"
        r"too (?:busy|tired) to|put (?:her|him) down|rush\w*"),
)

# Common English words: telling names apart from sentence-initial words, and detection.
LEXICON = words("""
a about after again all almost also always an and another any are aren't around as
at away baby back be because been before being best better big both but by came can
can't close come could couldn't did didn't do does doesn't doing don't done down each
even ever every eyes face finally first for from gave get gets give gives go going good
got had hands has have he he's held her here him his hold how i if in into is isn't it
it's its just keep kept last let like little look looked looking made make many may me
more most much mum dad my near never new next no not nothing now of off often oh on once
one only or other our out over own play played put quiet ready really right said same saw
say saying see seemed she she's should show showed since smile smiled smiles so some
something soon sound sounds still such sure take talk talked than that that's the their
them then there these they this those through time to together too took toward towards
turn turned up us very wait waited waiting want wanted was wasn't watch watched way we
well were weren't what when where which while who why will with without would wouldn't
yes yet you you're your yours yourself you've even though although next time great job
well done perfect brilliant amazing lovely fantastic nice at last unlike usual usually
normally sometimes again gently softly warm warmly calm calmed settled reached laughed
giggled cooed babbled answered noticed named copied followed lead turns turn helped
break rest looked listened sang song singing peekaboo bath nappy bottle feed feeding
cuddle cuddled hug hugged held lap kiss kissed rocked rocking stroked voice eyebrows
""")

LANGUAGE = Language(
    code="en",
    name="English",
    rules=RULES,
    negation=NEGATION,
    clause_break=(r"[,;:.!?()\[\]\u2014\u2013]|\s-\s|(?<![\w'])(?:and|but|so|because|when|"
                  r"whenever|while|then|until|after|before|as soon as|if|or|who|which|"
                  r"where|once)(?![\w'])"),
    parent_words=(r"you|you're|you've|you'd|you'll|yourself|mum|dad|mummy|daddy|mam|mom|"
                  r"mother|father|parent|nan|gran|grandma|grandad|i|we|we're|i'm"),
    baby_words=(r"she|he|she's|he's|she'd|he'd|she'll|he'll|baby|they|they're|"
                r"the baby|your baby|her brother|her sister|his brother|his sister|"
                r"brother|sister|dog|cat|toddler|son|daughter|boy|girl|twin|twins"),
    passive=r"was|were|got|get|gets|been|being|is|are|be|went|go|goes|felt|seemed|left",
    lexicon=LEXICON,
)
