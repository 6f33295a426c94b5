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

# --------------------------------------------------------------- closed word classes
# Small classes of words that the structural rules below combine; each is a list a reader
# can check, not a list of whole phrases.

# adverbs that may stand between a modal and its verb ("you could *also just* try")
_ADVERBS = (r"also|just|maybe|perhaps|even|really|simply|always|still|then|now|easily|"
            r"gently|slowly|probably|definitely|certainly|totally|actually|already|both|all|"
            r"sometimes|start to|begin to")
# verbs of seeing and knowing: "you could tell she was tired" describes, it does not advise
_PERCEPTION = (r"see|tell|hear|feel|sense|notice|spot|read|watch|imagine|guess|say|think|"
               r"remember|recall|believe|describe|call|almost|barely|hardly|only|not|never")
# after "you could/can/'d": a perception, a participle ("you'd already picked her up" is
# "had"), or "have" (another rule) is no instruction
_NOT_AN_INSTRUCTION = (
    r"(?:" + _PERCEPTION + r"|have|has|had|been|be (?:proud|pleased|happy|sure)|"
    r"[a-z]*[^e\W]ed|[a-z]*ied)(?![\w'])")
# after "you'd" a participle makes it "you had": "you'd already picked her up"
_PARTICIPLE = (
    r"(?:done|gone|seen|got|given|taken|made|put|held|left|come|"
    r"become|brought|caught|fed|found|heard|kept|known|let|run|said|sat|set|shown|slept|"
    r"sung|spent|stood|taught|thought|told|won|worn|written|begun|drunk|eaten|fallen|"
    r"felt|grown|hidden|lain|led|lost|meant|met|paid|rung|risen|sought|sold|sent|shaken|"
    r"struck|swum|swung|woken|rocked)(?![\w'])")
# words right before "you could" that make it a purpose, a report or a past ability:
# "so you could see", "she knew you would come", "as soon as you could"
_PURPOSE_OR_REPORT = (
    r"so|so that|such that|in case|if|whether|as|as much as|as soon as|as best|as well as|"
    r"than|all|everything|anything|whatever|wherever|whenever|that|where|how|what|when|"
    r"until|till|before|because|cos|while|whilst|which|who|knew|know|knows|sure|trusted|"
    r"trust|hoped|hope|wish|wished|thought|think|felt|saw|believe|promise|promised|way|"
    r"moment|time|best|soon|much|now that|once|told|showed|shows|proof|sign")
# verbs that open an order when a sentence starts with them ("Give her a chance to lead")
_IMPERATIVE = (
    r"wait|slow down|stop|keep|give|let|put|hold|talk|follow|remember|listen|pick|sit|get|"
    r"turn|answer|respond|don't|do|be|try|make|take|use|leave|avoid|allow|offer|focus|speak|"
    r"smile|copy|name|mirror|reduce|lower|calm|move|go|stay|slow|pause|narrate|describe|"
    r"sing|hum|tell|ask|show|help|bring|lift|share|join|play|read|repeat|praise|comfort|"
    r"soothe|ease|think|consider|aim|practise|practice|stick|hang on|hang back|step back|"
    r"back off|lean|get down|come down|tune in|resist|limit|continue|carry on|hold off|"
    r"wind down|cuddle up|put down|switch off|turn off|"
    r"never|always|let him|let her")
# states of a parent that a comparative turns into "you were worse before"
_STATES = (r"confident|relaxed|patient|natural|comfortable|at ease|sure of yourself|"
           r"tuned in|responsive|gentle|attentive|present|playful|calm|focused|engaged|"
           r"settled|in tune|connected|assured|at home|sensitive|available|warm|loving|"
           r"affectionate|tender|careful|sure|aware|in sync")
# times a comparison may be anchored in ("since the summer", "since the first visit")
_THEN = (r"summer|spring|autumn|winter|christmas|easter|new year|birth|start|beginning|"
         r"first|last|early|earlier|(?:first|last|early|earlier|previous) (?:visit|session|"
         r"film|clip|week|month|time)s?|(?:time|visit|session|film|week|month)")
# comparatives of a parent's qualities ("calmer than before": then they were worse)
_BETTER = (r"calmer|gentler|softer|braver|happier|better|steadier|surer|warmer|kinder|"
           r"quicker|faster|slower|closer|patienter|more patient|more relaxed|more natural")
# words that find fault with the parent's doing, softened by "a bit", "rather", "quite"
_FAULT = (r"chaotic|messy|slow|late|rough|tense|stiff|awkward|clumsy|hesitant|wooden|forced|"
          r"flat|frantic|hectic|bumpy|shaky|wobbly|nervous|anxious|stressed|flustered|"
          r"frazzled|rattled|uncertain|unsure|lost|distracted|distant|abrupt|much|"
          r"overwhelming|intense|quick|fast|hurried|rushed|muddled|confused|disorgani[sz]ed|"
          r"all over the place|off|unsteady|uneasy|uncomfortable|sharp|harsh|hasty|"
          r"mechanical|robotic|half-hearted|lukewarm|detached|stilted|tentative|jerky|"
          r"frenzied|manic|full on|full-on|over the top|overbearing|pushy|insistent|"
          r"impatient|cross|short|snappy|grumpy|cold|vague|absent|preoccupied|scattered|"
          r"loud|thrown")
# traits that judge the parent as a person
_FAULT_TRAITS = (
    r"lazy|sloppy|half-hearted|lacklustre|lackluster|careless|thoughtless|clumsy|cold|"
    r"grumpy|snappy|mean|harsh|rude|selfish|unkind|impatient|irritable|short-tempered|"
    r"uptight|stiff|awkward|robotic|mechanical|wooden|flat|vacant|absent|distracted|"
    r"disengaged|uninterested|offhand|off-hand|dismissive|cross|sharp|stern|strict|bossy|"
    r"controlling|pushy|intrusive|overbearing|overprotective|detached|distant|abrupt|"
    r"short|moody|weak|feeble|mediocre|average|so-so|unresponsive|unaware|rough|"
    r"heavy-handed|forceful|shouty|naggy|preachy|irritated|annoyed|frustrated|fed up|"
    r"bored|tetchy|ratty|narky|stroppy|negative|critical|hard on (?:her|him|them)")
# evaluation without description: "you're brilliant with him", "what a star"
_EVALUATIVE_ADJ = (
    r"amazing|brilliant|great|fantastic|perfect|wonderful|awesome|excellent|incredible|"
    r"superb|fab|fabulous|ace|gorgeous|lovely|beautiful|stunning|marvellous|splendid|"
    r"terrific|outstanding|impressive|remarkable|phenomenal|exceptional|magic|magical|"
    r"natural|star|superstar|legend|hero|pro|champ|rock ?star|the best|so good|"
    r"really good|good|special|inspiring|inspirational|joy|delight|dream|spot on|"
    r"top notch|first class|world class|class|smashing|cracking|unreal|epic|treat|"
    r"adorable|delightful|heart-?warming|a natural|a star|a legend|a hero|a pro")
# nouns that label a baby
_LABEL_NOUNS = (
    r"monkey|madam|monster|terror|devil|tyrant|diva|rascal|minx|menace|pickle|handful|"
    r"nightmare|horror|pain|brat|boss|bossy boots|trouble|troublemaker|show-?off|"
    r"attention[- ]seeker|rogue|scamp|toe-?rag|so-and-so|tinker|drama (?:queen|king|llama)|"
    r"live ?wire|wind-?up merchant|piece of work|operator|moaner|whinger|fuss-?pot|grump|"
    r"grumpy-?guts|sulker|screamer|cry-?baby|princess|miss bossy|little miss|sod|beggar|"
    r"bugger|pest|nuisance|imp|gremlin|tearaway|cry[- ]?baby|manipulator|charmer|"
    r"character|mischief|"
    r"hooligan|savage|tornado|whirlwind|handful|diva|despot|dictator|demon|horror|"
    r"little emperor|madam|mare|nightmare|drama|rebel|rascal|schemer|fibber|faker|actor|"
    r"actress|performer")
# words that frame a noun as a label ("a right little monkey", "such a diva")
_LABEL_FRAME = (r"right|proper|real|total|little|cheeky|such a|what a|bit of a|regular|"
                r"typical|absolute|complete|utter|naughty|mischievous|crafty|sneaky|"
                r"stroppy|grumpy|moody|fussy|greedy|spoilt")
# traits put on a baby as a character ("she's so stubborn")
_BABY_TRAITS = (
    r"naughty|cheeky|silly|awkward|stubborn|difficult|sulky|mardy|moody|whiny|fussy|greedy|"
    r"lazy|needy|clingy|demanding|bossy|spoilt|spoiled|rude|mean|grumpy|stroppy|"
    r"hard work|pain|nightmare|handful|madam|dramatic|over the top|diva|"
    r"attention-seeking|manipulative|sneaky|crafty|sly|cunning|wilful|willful|defiant|"
    r"disobedient|badly behaved|bad|trouble|a pain|a nightmare|a handful|a madam|a diva|"
    r"impossible|unreasonable|a monkey|a menace|a terror|a devil")
# screens and calls: where a parent's attention went
_SCREENS = (r"tv|telly|television|phone|mobile|screen|laptop|tablet|ipad|computer|"
            r"messages|texts|emails?|notifications|call|instagram|facebook|tiktok|whatsapp|"
            r"youtube|netflix|console|xbox|playstation|social media|news|facetime|zoom|"
            r"video call|teams")
# a baby's bids for the parent, said in the past and as "-ing"
_BIDS = (r"called|called out|reached|reached out|waved|babbled|cooed|squealed|shouted|cried|"
         r"fussed|looked|glanced|tugged|pulled at|tapped|pointed|whimpered|grizzled|"
         r"banged|tried|held out (?:her|his) arms|lifted (?:her|his) arms|"
         r"put (?:her|his) arms up|looked up|looked over|looked across")
_BIDS_1 = (r"called|cried|reached|waved|babbled|cooed|squealed|shouted|fussed|tugged|"
           r"tapped|pointed|whimpered|grizzled|banged|tried|calling|crying|reaching|waving")
_BIDS_ING = (r"calling|calling out|reaching|reaching out|waving|babbling|cooing|squealing|"
             r"shouting|crying|fussing|tugging|tapping|pointing|trying|"
             r"whimpering|grizzling|banging|holding out (?:her|his) arms|"
             r"(?:holding|putting|lifting|reaching) (?:up )?(?:her|his|their) arms(?: up| out)?")
# an answer from the parent after the bid: "she reached twice, and you picked her up"
_ANSWERED = (r"[^.!?]*?(?:,|\band\b|\bso\b|\bthen\b|\beach time\b|\bevery time\b|\bwhen\b)"
             r"\s*(?:[a-z]+ ){0,3}?"
             r"(?:you|mum|dad|mummy|daddy)(?!r)\s+(?!didn't|did not|never|weren't|were not|"
             r"wasn't|still|kept|carried|only|finally|eventually|at last|missed|ignored|"
             r"were (?:busy|looking|on|talking|watching|reading|texting|scrolling))")
# other people a family could be measured against
_GROUPS = (r"parents|mums|moms|dads|families|mothers|fathers|people|carers|babies|children|"
           r"kids|others|couples|grown-ups|toddlers|boys|girls")
# the field's own words (a parent need not learn them)
_JARGON = (
    r"reciproc\w*|engagement|(?:dis)?engag(?:ed|ing|ement) (?:cue|signal|bid)s?|"
    r"serve[- ]and[- ]return|mind[- ]minded\w*|misattun\w*|attun(?:e|ed|ement|ing)|"
    r"containment|contain(?:ed|ing|s)? (?:her|his|their) (?:distress|feelings|emotions|"
    r"affect)|holding (?:environment|(?:her|him|them) in mind)|held (?:her|him|them) in "
    r"mind|ruptures?|repair(?:ed|ing)? (?:the )?(?:rupture|relationship|moment)|"
    r"sensitive responsiv\w*|responsive(?:ness)?|modell?(?:ed|ing) (?:calm|regulation|"
    r"behaviou?r|emotions?|language)|arousal|social referencing|gaze (?:aversion|following|"
    r"avert\w*)|motherese|parentese|infant[- ]directed|proto-?conversation\w*|"
    r"intersubjectiv\w*|attachment|vocali[sz]\w*|non-?verbal|developmental\w*|"
    r"dyad\w*|hyper-?aroused|hypo-?aroused|window of tolerance|state (?:regulation|change)|"
    r"emotional literacy|self-soothing|self-soothe|co-?construct\w*|sensitive period|"
    r"responsivity|mirror(?:ing|ed)? (?:her|his|their|back)? ?(?:affect|emotions?|state)|"
    r"stimulus|stimuli|socio-?emotional|object permanence|"
    r"interaction(?:al|s)? (?:quality|style|pattern)s?|pattern of interaction|"
    r"(?:parent|infant|child)-(?:led|centred|centered|directed)|parental|neonat\w*")

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
         r"took (?:you )?(?:a while|a bit|some time|a long time|ages|a minute|long enough)|"
         r"(?:took|after|with) (?:you )?(?:a (?:few|couple of)|several|lots of|many) "
         r"(?:goes|tries|attempts)|"
         r"(?:(?:quite|rather|a bit of|a) )?(?:slow|shaky|rocky|rough|bumpy|wobbly|hesitant|"
         r"tentative|tricky|difficult|hard|awkward|clumsy|bad|poor) (?:start|beginning)|"
         r"shame (?:that|the|about|you)|"
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
         r"(?:less|fewer|more) \w+,? (?:and )?(?:less|fewer|more) \w+|"
         r"you(?:'ll| will|'re going to|'ll probably|'ll maybe) (?:want|need|have) to|"
         r"(?:it'?s |it is |always |probably |usually |often |generally )?(?:best|better|"
         r"wiser|wise|helpful|useful|key|vital|essential|crucial) (?:to|if you) "
         r"(?!(?:see|watch|hear)(?![\w']))[a-z]+|"
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
         r"none|all but \w+|" + _N2 + r") (?:of )?(?:her|his|their|the baby's|your baby's) "
         r"(?:\w+ )?(?:signals|smiles|cues|sounds|bids|cries|looks|calls|attempts|turns|"
         r"babbles|reaches|coos|gestures|tries|glances)|"
         r"(?:the|your) (?:best|worst|strongest|weakest|top) (?:moment|minute|one|clip|visit|"
         r"session)s? (?:of|in|today|this|so far|yet)|"
         r"(?:the )?only (?:time|times|once|moment|moments|one|clip|visit|session|video|"
         r"film|day|part|bit|minute)|only(?: [a-z']+){0,3} (?:once|twice|a few times|"
         r"a couple of times|one time|" + _N2 + r" times)|just (?:once|twice)|"
         r"(?:most|half|some|none|much|part|a lot|a third|a quarter|two thirds|"
         r"three quarters|a fraction|the rest) of the time|half the time|"
         r"more often than not|(?:better|worse|calmer|smoother|easier|harder) than the "
         r"(?:first|second|last|other|rest|beginning|start)|"
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
         r"(?:looked|turned|glanced) away (?:just |right |exactly )?(?:as|when|while|the moment)|"
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
         "last time.'",
         unless_before=r"(?:watch\w*|with|at|to|near|beside|among|amongst|saw|see|join\w*|"
                       r"play\w* with|cop(?:y|ied|ying)|and)(?:\s+the)?"),
    # =================================================================================
    # Structure, not phrases: the rules below read the shape of a clause (a modal or a
    # suggestion addressed to the parent, a comparative anchored in the past, a bid that
    # repeats) and take their words from the small closed classes above.
    # ------------------------------------------ instructions by grammar: modal + verb
    Rule(WordRule.INSTRUCTION,
         r"you(?: could| can| might| may| would)(?: (?:" + _ADVERBS + r"))*+ "
         r"(?!" + _NOT_AN_INSTRUCTION + r")[a-z]+|"
         r"you'd(?: (?:" + _ADVERBS + r"))*+ (?!" + _NOT_AN_INSTRUCTION + r"|" + _PARTICIPLE +
         r")[a-z]+",
         "a suggestion to the parent about what to do: it tells them what to do instead of "
         "showing what worked",
         "Describe what the parent did that worked: 'When you waited, she had her turn.'",
         unless_sentence_before=_PURPOSE_OR_REPORT),
    Rule(WordRule.INSTRUCTION,
         r"(?:could|can|would|might) you(?: (?:" + _ADVERBS + r"))*+ "
         r"(?!" + _PERCEPTION + r")[a-z]+|(?:shall|should) we|do you want to|"
         r"(?:do you think|i wonder if|i wonder whether|wonder if) you (?:could|can|might)|"
         r"what (?:would|might) happen if you|let'?s(?! (?:watch|look|see (?:what|how)|"
         r"enjoy|have a look|just watch|listen))|let us (?:try|see if|practise|work)|"
         r"(?:i|we)(?:'d| would)? (?:love|like|want|hope|need) to see|"
         r"(?:i|we)(?:'d| would) (?:love|like) (?:you|it if you)|"
         r"(?:i|we)(?:'d| would)? (?:suggest|recommend|encourage|advise|urge|invite)|"
         r"it(?:'d| would|'ll| will| could)(?: \w+)? be (?:\w+ )?(?:if|to)|"
         r"(?:have|had) you (?:thought about|considered|tried)|did you (?:think about|"
         r"consider|try)|what about (?:\w+ing)|have a think about|"
         r"(?:[a-z]+'d|would|could|might) (?:really )?(?:benefit|do with|love it if|enjoy it if|"
         r"like it if)|"
         r"i (?:want|need|suggest|recommend|encourage) "
         r"(?:that )?you|(?:my|a|one|top|little|quick) (?:tip|suggestion|idea|challenge)\w*|"
         r"have (?:a|another) (?:go|try|think)|"
         r"give (?:it|that|this|these|them|her|him)? ?(?:a|another) (?:go|try|"
         r"whirl|bash)|see (?:if|whether) you (?:can|could|might)|feel free to|"
         r"(?:you )?might like to|you may like to|aim (?:to|for)|the (?:trick|key|idea|goal|"
         r"aim) (?:is|was|would be|will be) to|homework|practise|practice (?:\w+ing|this|that|"
         r"it|with)|experiment with|(?:this|next|over the next|by next|before next|before "
         r"the next) (?:week|visit|session|film|time)(?:,)? (?:try|see|maybe|perhaps|have|"
         r"give|let|keep|watch|notice)",
         "a suggestion to the parent about what to do: it tells them what to do instead of "
         "showing what worked",
         "Describe what the parent did that worked: 'When you waited, she had her turn.'",
         negation_passes=True),
    Rule(WordRule.INSTRUCTION,
         r"(?:(?:mum|dad|mummy|daddy|[a-z]+),\s+)?(?:(?:maybe|perhaps|just|now|so|then|also|"
         r"again|gently|slowly|first|please|always|really|simply|do)\s+)*"
         r"(?:" + _IMPERATIVE + r")(?=[\s,;:!.]|$)"
         r"(?![\s-]+(?:time|times|of|is|was|were|with|for|from|and tell)\b)"
         # the film's own controls are no orders: "Pause to talk about it", "Play it again"
         r"(?!\s+(?:to (?:talk|look|watch|see|chat|think)|it again|the (?:film|clip|video)))",
         "an order: it tells the parent what to do",
         "Describe what the parent did: 'You waited, and she had her turn.'",
         sentence_start=True, bounded=False),
    # ------------------------------------ comparison with the past, by grammar
    Rule(WordRule.USUAL,
         r"(?:come|came|coming) (?:on )?(?:such |so |a )?(?:a )?long way|"
         r"(?:come|came|coming) on (?:leaps|so much|loads|a lot|brilliantly|so well)|"
         r"leaps and bounds|turned a corner|(?:such|so much|a lot of|real|big|great|huge|"
         r"massive|lovely|clear|real) (?:progress|improvement|change|difference|shift|"
         r"turnaround|step forward)|"
         r"(?:progress|improvement|change|difference|shift) (?:since|from|in you|in how)|"
         r"(?:a )?different (?:person|parent|mum|dad|mother|father)|what a (?:change|"
         r"difference|transformation)|transform\w*|"
         r"since (?:we (?:started|began|first|met)|you (?:started|began|first)|"
         r"(?:the |last |this |our |my |your )?(?:" + _THEN + r")|then|before)|"
         r"(?:from|compared (?:to|with)|unlike) (?:the |our |my |your |that )?(?:very )?"
         r"(?:first|early|earlier|start|beginning)(?: (?:visit|session|film|clip|week|"
         r"month|days|weeks|time))?|"
         r"than (?:a |an |one |two |three |a few |some )?(?:day|week|month|year|visit|"
         r"session)s? ago|(?:big|huge|giant|real) step (?:up|forward)|step up|"
         r"back to your (?:best|old self|usual)|"
         r"who (?:knew|would have thought|'d have thought)|had it in you|"
         r"(?:you )?surprised (?:me|us|everyone)|out of character|not like you|"
         r"no (?:more )?[a-z]+ing (?:this (?:week|time|visit|morning|afternoon)|today)|"
         r"than ever|(?:like|as) we (?:talked about|discussed|practised|said|agreed|planned)|"
         r"what we (?:talked about|discussed|practised|worked on)",
         "compares the parent with how they were before: it says they were worse",
         "Describe this moment on its own: 'You stayed close, and she settled.'",
         who=Who.NOT_BABY),
    Rule(WordRule.USUAL,
         r"the (?:\w+est|most \w+|best|least \w+)(?: \w+)? (?:i|we)(?:'ve| have) (?:ever )?"
         r"(?:seen|filmed|watched|known|had)",
         "compares this moment with all the others: it says the others were worse",
         "Describe this moment on its own: 'You stayed close, and she settled.'"),
    Rule(WordRule.USUAL,
         r"(?:(?:more|less) (?:" + _STATES + r")|" + _BETTER + r")(?: [\w']+){0,4} than "
         r"(?:ever|before|earlier|at the start|at first|in the beginning|"
         r"when we (?:started|began|met)|last (?:time|visit|week|month|session)|"
         r"the first|the last|previous\w*|(?:the )?other (?:times|visits|weeks|days))|"
         r"you(?:'ve| have) (?:really |now |finally |clearly |definitely |so )?"
         r"(?:learnt|learned|grown|blossomed|developed|mastered|got the hang|cracked it|"
         r"changed|come on|found your feet)|(?:grown|growing|grew) in (?:confidence|"
         r"yourself)|"
         r"(?:more and more|increasingly|each (?:visit|week|time I see you)|every (?:visit|"
         r"week|time i see you)|week (?:by|on) week|visit by visit)|"
         r"(?:so much|much|far|a lot|way|loads|lots) (?!(?:together|other|over|under|after|"
         r"rather|ever|never|water|longer)(?![\w']))(?:[a-z]+ier|[a-z]+er)(?![\w'])|"
         r"(?:so much|much|a lot|far|way|even|lots|loads) (?:more|less) (?:" + _STATES +
         r")|(?:more|less) (?:" + _STATES + r") (?:now|these days|today|than)|"
         r"(?:turning|turned|turn) into|becoming|you(?:'ve| have|'re| are) become|"
         r"these days|nowadays|not any ?more|any ?more|no longer|remembered to|"
         r"(?:getting|got|get|getting) the hang|(?:enjoying|loving|enjoy|love|enjoyed|loved|"
         r"laughing|playing|having fun)(?: with)? (?:her|him|them|it|this|each other) again",
         "compares the parent with how they were before: it says they were worse",
         "Describe this moment on its own: 'You stayed close, and she settled.'",
         who=Who.PARENT),
    # -------------------------------- backhanded: a downtoner on a word that finds fault
    Rule(WordRule.CONTRAST,
         r"(?:(?:a (?:bit|little|tad|touch)|rather|quite|slightly|somewhat|fairly|pretty|"
         r"kind of|sort of|a wee bit) (?:too )?(?:" + _FAULT + r"))|"
         r"(?:started|began|starting|beginning|start|got off to) (?:off |out )?(?:a )?"
         r"(?:bit |little |rather |quite |slightly |slow |shaky |rocky |bumpy |wobbly )*"
         r"(?:" + _FAULT + r"|slow|shaky|rocky|bumpy|wobbly)|"
         r"(?:sort of|kind of|kinda|more or less|to some extent|up to a point|partly|"
         r"partially|half) (?:answered|managed|got|noticed|followed|waited|copied|responded|"
         r"held|calmed|settled|picked|looked|turned|caught|joined|listened|smiled|matched)|"
         r"at (?:the )?(?:start|first|beginning)|to (?:begin|start) with|in the beginning|"
         r"even (?:with|after|without)|you (?:managed|coped|survived|got through)|"
         r"(?:got|get|getting|became|went) (?:a bit |a little |quite |rather |slightly )?"
         r"(?:flustered|wound up|worked up|in a (?:state|flap|tizz)|panicky|" + _FAULT + r")|"
         r"(?:a |bit of a )?(?:wobble|wobbly bit|shaky bit|rocky patch|blip|hiccup|"
         r"stumble|false start|rough patch|bumpy bit|tricky bit)|fairly|reasonably|"
         r"moderately|relatively|tolerably|passably|"
         r"at times|in (?:places|patches|fits and starts)|on and off|now and again|"
         r"now and then|here and there|from time to time|once or twice|hit and miss|patchy|"
         r"inconsistent\w*|hit or miss|a mixed|(?:a|after) (?:few|couple of|several|lots of|"
         r"many) (?:goes|tries|attempts)|(?:managed|managing|manage) (?:to|it)|"
         r"not the (?:easiest|best|smoothest|calmest|most \w+)|less than (?:ideal|perfect)|"
         r"not (?:ideal|great|brilliant|the end of the world)|"
         r"for a (?:\w+ )?(?:dad|mum|father|mother|man|lad|teenager|teen|beginner|novice)\b",
         "backhanded: it praises and belittles in one breath",
         "Say what did happen: 'You turned to her, and she smiled.'",
         who=Who.NOT_BABY),
    # ---------------------------------------- bare praise, evaluation of the parent
    Rule(WordRule.PRAISE,
         r"(?:you(?:'re| are| were| was|'ve been| have been)|you two (?:are|were)|you're "
         r"such|what|such) (?:so |really |just |absolutely |truly |such |an? )*(?:"
         + _EVALUATIVE_ADJ + r")(?: (?:with|at) (?:her|him|them|it|this|that|the baby|"
         r"babies|kids|children))?"
         r"(?=\s*(?:[!.,]|$|with|at))|(?:" + _EVALUATIVE_ADJ + r") (?:work|job|effort|stuff|"
         r"parenting|mummying|daddying)|(?:born|natural) (?:mum|dad|parent)|"
         r"(?:mum|dad|parent) of the (?:year|day|week)",
         "praises without saying what the parent did",
         _DESCRIBE + "'You smiled back, and she kept smiling.'"),
    # ------------------------------------- labels on the baby, by frame and lexicon
    Rule(WordRule.LABEL,
         r"(?:(?:" + _LABEL_FRAME + r")\s+)+(?:" + _LABEL_NOUNS + r")|"
         r"(?:is|was|'s|being|such) an? (?:" + _LABEL_NOUNS + r")|madam|"
         r"(?:his|her) (?:lordship|ladyship|majesty|highness)|boss baby|"
         r"(?:mummy|mommy|daddy|mum|dad)'s (?:girl|boy)|"
         r"(?:" + _BABY_TRAITS + r")(?= (?:little )?(?:thing|one|girl|boy|baby|eater|feeder|"
         r"sleeper|customer|character|lady|man)(?![\w']))|"
         r"typical (?:\w+ )?(?:toddler|baby|boy|girl|teenager|teething|one-year-old|"
         r"two-year-old)(?: behaviou?r)?|(?:toddler|baby|boy|girl) behaviou?r",
         "puts a label on the baby instead of reading the signal",
         "Say what the baby was telling the parent: 'She was telling you she needed you "
         "close, and you held her.'",
         unless_after=r"\s*(?:toy|puppet|teddy|book|song|rhyme|game|costume|face|noise|"
                      r"sound|voice|picture|mask)",
         unless_before=r"the|this|that|these|those|his|her|their|your|my|its|toy"),
    Rule(WordRule.LABEL,
         r"kick(?:ed|s|ing)? off|being (?:awkward|difficult|silly|cheeky|a pain|rude|mean)|"
         r"acting up|showing off|on purpose|deliberately|to (?:wind|get at|annoy|test|play) you|"
         r"(?:(?<=is )|(?<=was )|(?<='s )|(?<=being )|(?<=so )|(?<=such )|(?<=a bit )|"
         r"(?<=very )|(?<=really )|(?<=such a ))(?:" + _BABY_TRAITS + r")",
         "puts a label on the baby instead of reading the signal",
         "Say what the baby was telling the parent: 'She was telling you she needed you "
         "close, and you held her.'",
         who=Who.BABY),
    # ------------------------------------------- distraction, absence, intrusion
    Rule(WordRule.NEGATIVE,
         r"(?:looking at|looked at|watching|watched|on|checking|checked|scrolling|scrolled|"
         r"texting|reading|glued to|busy with|distracted by|staring at|stared at|answering|"
         r"picking up|picked up|on a|back to|back on|typing on|playing on)"
         r" (?:the |your |a |his |her |my )?(?:" + _SCREENS + r")|"
         r"(?:had )?your back (?:was |were )?(?:to (?:her|him|them)|turned)|texting|"
         r"scrolling|swiping|facetiming|(?:the )?(?:tv|telly|television|radio) (?:was|were) (?:on|"
         r"blaring)|"
         r"(?:were|was|went|had gone|'d gone|stepped|popped|nipped) (?:out |off )?(?:to |into |"
         r"in )?(?:the other room|the kitchen|the next room|the hall|another room|elsewhere|"
         r"somewhere else|out of the room)|(?:were|was|seemed|looked|'re) miles away|"
         r"in your own world|lost in (?:thought|your thoughts)|away with the fairies|"
         r"(?:chatting|talking|speaking) (?:to|with) (?:me|us|someone|somebody|your \w+|"
         r"the \w+|(?:her|his) (?:sister|brother|dad|mum|nan|gran))|"
         r"passed (?:you|her|him) by|went (?:past|by) you|slipped (?:by|past) you|"
         r"(?:kept|carried on|went on) (?:\w+ing)(?: \w+){0,4} (?:even )?(?:when|while|as|"
         r"after|though) (?:she|he|they|the baby|[a-z]+) (?:\w+ )?(?:turned away|looked "
         r"away|pulled away|arched|pushed|fussed|cried|yawned|frowned|squirmed|grimaced|"
         r"closed (?:her|his|their) eyes|had had enough)|"
         r"before (?:she|he|they|the baby) (?:was|were|had|'d) (?:\w+ )?(?:ready|finished|"
         r"done)|(?:over(?:whelm|load|stimulat|excit|do|did|done)\w*) (?:her|him|them)|"
         r"(?:took|grabbed|snatched|pulled|yanked) (?:the |her |his )?\w+ (?:away|off "
         r"(?:her|him)|from (?:her|him|them))|sadly|unfortunately|regrettabl[ey]|"
         r"disappointingly|(?:a|what a) (?:shame|pity)",
         "points to what the parent did badly or was not there for",
         "Name a moment the parent was with the baby: 'You stayed with him, and he calmed.'",
         who=Who.NOT_BABY, negation_passes=True),
    # -------------------------------------------- judgement of the parent's doing
    Rule(WordRule.JUDGEMENT,
         r"(?:a bit of a|bit of a|rather a|quite a|such a|a rather|a pretty|a fairly) (?:"
         + _FAULT_TRAITS + r") (?:moment|effort|attempt|job|performance|start|response|"
         r"approach|go|feed|change|bath|bedtime|session|visit|play|game)|"
         r"(?:an?|such an?|rather an?|quite an?) (?:" + _FAULT_TRAITS +
         r") (?:bit of |piece of )?(?:parenting|mothering|fathering|effort|attempt|job|"
         r"performance|response|approach)|"
         r"(?:" + _FAULT_TRAITS + r"|silly|unfair|unhelpful|inappropriate)"
         r"(?: (?:moment|effort|attempt|job|performance|start|response|approach|go))? "
         r"(?:of you|from you|by you|on your part)|"
         r"(?:you(?:'re| are| were| was| seemed| seem| looked| sounded| came across| can be|"
         r" could be| get| got)|you(?:'ve| have) been) (?:a bit |quite |so |very |rather |"
         r"really |too |a little |pretty |a touch |somewhat )*(?:" + _FAULT_TRAITS + r")|"
         r"(?:that|it|this) (?:was|is|felt|seemed) (?:a bit |quite |so |very |rather |"
         r"really |pretty )*(?:unkind|unfair|harsh|inappropriate|unhelpful|sloppy|lazy|"
         r"careless|thoughtless|mean|rude|selfish)",
         "judges the parent as a person",
         "Describe what happened in plain, warm words: 'You held her, and she settled.'"),
    # ------------------------------------------------- jargon of the field
    Rule(WordRule.JARGON,
         r"(?:" + _JARGON + r")",
         "a professional word",
         "Use everyday words: 'you answered her, and she answered you back'."),
    # ---------------------------------------------- unanswered bids, by structure
    Rule(WordRule.UNANSWERED,
         r"(?:tried|tries|trying|attempt\w*) (?:(?:" + _N + r") times |twice |again |"
         r"several times |a few times |so hard |hard |over and over |again and again |"
         r"repeatedly )?to (?:get|catch|grab|attract|win|have) (?:your|mummy's|daddy's|"
         r"mum's|dad's|her mum's|his mum's|her dad's|his dad's) (?:attention|eye|eyes|gaze)|"
         r"(?:" + _BIDS + r")(?: (?:up|out|over|across))?(?: (?:to|at|for|towards|out to|"
         r"out for) (?:you|mum|dad|mummy|daddy))? (?:(?:" + _N + r") times|twice|"
         r"several times|a few times|again and again|"
         r"over and over|repeatedly|more than once)|"
         r"(?:kept|keeps|carried on|went on) (?:" + _BIDS_ING + r")(?: (?:to|at|for|towards|"
         r"out to|out for) (?:you|mum|dad|mummy|daddy))?(?=\s*(?:[.!?,]|$|until|before|but|"
         r"while))|(?:for|to get) your attention(?=\s*(?:[.!?]|$))|"
         r"(?:was|were|is|are) (?:" + _BIDS_ING + r")(?: out)? (?:for|to) (?:you|mum|dad|"
         r"mummy|daddy)|(?<![\w'])(" + _BIDS_1 + r")(?: out| up)? and \1",
         "mentions a signal that was not answered",
         "Leave out moments that were not answered; show one that was: "
         "'She reached, and you named it.'",
         unless_after=_ANSWERED),
    Rule(WordRule.UNANSWERED,
         r"until you (?:finally |eventually |at last )?(?:noticed|looked|came|answered|"
         r"responded|turned|saw|heard|picked)|"
         r"(?:waited|waiting|was waiting) for you to (?:notice|look|answer|respond|see|turn|"
         r"come|pick)|(?:cue|signal|bid|cry|cries|call|look|smile|reach|sound)s? "
         r"(?:was|were|went|got) (?:left|lost|missed|ignored|unseen|unheard|past you|by you)",
         "mentions a signal that was not answered",
         "Leave out moments that were not answered; show one that was: "
         "'She reached, and you named it.'"),
    # ------------------------------------------------ other parents, by structure
    Rule(WordRule.COMPARISON,
         r"(?:than|like|unlike|compared (?:to|with)|(?:the )?rest of|out of|of all|"
         r"ahead of|behind)\s+(?:(?:a lot of|lots of|loads of|many of|most of|some of|"
         r"plenty of|half|all|the|other|most|many|some|any|every|those|these|typical|"
         r"average|normal|usual)\s+)*(?:" + _GROUPS + r")|"
         r"than (?:anyone|anybody|everyone|everybody)(?: else)?|"
         r"(?:the|a) (?:best|worst|top|quickest|fastest|calmest|most \w+) (?:mum|dad|parent|"
         r"one|family)s? (?:i|we|in|of|here)|(?:most|many) (?:people|folk)",
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
        r"let (?:\w+ )?(?:fall|get hurt|bump)|lose|lost|losing|give in|gave in|need\w*|"
        r"mind\w*|panic\w*|flinch\w*|"
        r"cr(?:y|ied|ying)|fuss\w*|protest\w*|worr\w*|doubt\w*|wonder|matter|only|just|"
        r"longer|far|alone|time|end|ended|ending|tire\w*|wait(?:ed)? long|last long|"
        r"take long|took long|get enough|got enough|get bored|got bored|wane|waver\w*|"
        r"drop\w*|slip\w*|falter\w*|flag|flagged|budge\w*|move away|moved away|"
        r"rais\w* your voice|interrupt\w*|talk over|talked over|overdo|overdid|"
        r"hold back|held back|help (?:smiling|laughing|giggling|grinning)|"
        r"(?:happier|calmer|closer|prouder|cosier|comfier|safer)|"
        r"problem|bother\w*|complain\w*|startl\w*|jump\w*|less than|surprise|"
        r"question|shy away|shied away|back off|backed off|distract\w*|"
        r"too (?:busy|tired) to|put (?:her|him) down|rush\w*|"
        r"(?:pull|tear|drag|draw)\w* (?:her|his|their|your) (?:eyes|gaze|attention) away|"
        r"scared|afraid|frightened|fazed|upset|unsettled|troubled|nervous|anxious|unhappy|"
        r"put off|thrown|wait to|(?:look|seem|feel|sound)\w* (?:bothered|worried|upset|"
        r"scared|afraid|fazed|troubled|unhappy|sad|nervous|anxious|unsure)|"
        r"want\w* (?:[a-z]+ ){0,3}to (?:end|stop|finish)"),
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
there's here's what's let's who's how's where's today tonight yesterday tomorrow morning
evening afternoon later earlier
""")

# Bare evaluation (see :class:`~attune.core.words.rules.Language`): a sentence made only
# of these words, with one evaluative word at least, praises and describes nothing.
EVALUATIVE = words("""
good great nice lovely gorgeous beautiful beautifully brilliant brilliantly amazing
amazingly fantastic fab fabulous wonderful wonderfully awesome excellent superb super
perfect perfectly stunning magic magical marvellous splendid terrific outstanding
incredible impressive cool ace smashing cracking sweet precious adorable delightful
heartwarming heart-warming special wow yay hooray hurray woohoo bravo yes love loved loving
goals perfection beauty joy bliss gold star stars superstar legend hero champ pro winner
natural best top class stellar proud spot nailed smashed aced well bless aww aw phenomenal
exceptional remarkable unreal epic treat delight dream inspiring bang nicely expertly
superbly textbook way brill lush mint wicked
""")
FILLER = words("""
a an the so such just really very absolutely totally truly simply utterly quite what how
that this that's it's it is was were are there here again too all oh ooh ah mum dad
mummy daddy mama mam you you're your both two guys team of to see watch watching one ones
moment moments stuff bit job work effort parenting today indeed and my god gosh on done
ever moment there's job's lot lots thing things played spotted timed handled caught judged
mothering fathering mummying daddying
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
    states=(r"bored|tired|worried|frightened|scared|startled|interested|excited|pleased|"
            r"surprised|annoyed|distracted|irritated|frustrated|overwhelmed|unsettled|"
            r"settled|delighted|amused|fed|relaxed|soothed|calmed|engaged|absorbed"),
    evaluative=EVALUATIVE,
    filler=FILLER,
    bare_suggestion=_DESCRIBE + "'You held her close, and she settled.'",
)
