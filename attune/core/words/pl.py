"""Polish rules for the words check (docs/practice.md §6).

Polish is the most common main language after English in England and Wales (2021 census:
about 612,000 people), so many families a health visitor films speak it at home. Its
grammar helps a rule-based check: negation is a separate word "nie" before the verb
("nie poddałaś się", you didn't give up), and a past verb says who did it ("-łaś/-łeś" is
"you", "-ła/-ł" is "she/he"), so "zignorowałaś ją" (you ignored her) is the parent's even
without a pronoun. Stems with ``\\w*`` cover the endings of gender and case.
"""

from __future__ import annotations

from attune.core.words.rules import Language, Negation, Rule, Who, WordRule, words

_N = (r"(?:\d+|jeden|jedna|jedno|dwa|dwie|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć|"
      r"dziesięć|dwadzieścia|sto|jednego|jednej|dwóch|dwu|trzech|czterech|pięciu|sześciu|"
      r"siedmiu|ośmiu|dziewięciu|dziesięciu|dwudziestu|stu)")
_OPIS = "Opisz, co zrobił rodzic i co dziecko zrobiło potem: "

# ------------------------------------------------------------ closed word classes
# Small classes of words the structural rules below combine (see en.py).

# words that find fault with the parent's doing, softened by "trochę", "nieco", "dość"
_USTERKA = (r"chaotyczn\w*|nerwow\w*|niezdarn\w*|sztywn\w*|niepewn\w*|chłodn\w*|oschł\w*|"
            r"szorstk\w*|niecierpliw\w*|pośpieszn\w*|pospieszn\w*|nieuważn\w*|leniw\w*|"
            r"niedbal\w*|niedbał\w*|ospal\w*|gwałtown\w*|głośn\w*|ostr\w*|szybk\w*|wolno|"
            r"powoln\w*|późno|spięt\w*|zestresowan\w*|zdenerwowan\w*|rozkojarzon\w*|"
            r"zagubion\w*|niezręczn\w*|nieporadn\w*|mechaniczn\w*|nerwówk\w*|nieskładn\w*|"
            r"za (?:szybko|wolno|dużo|mocno|głośno)|zbyt \w+|nieobecn\w*|zniecierpliwion\w*")
# nouns that label a baby
_ETYKIETA = (r"księżniczk\w*|królewn\w*|książę|księci\w*|potwor\w*|potwór|diab\w*|diabeł|"
             r"terroryst\w*|tyran\w*|cwaniak\w*|cwaniar\w*|spryciar\w*|manipulator\w*|"
             r"aktor\w*|aktork\w*|diw\w*|primadonn\w*|łobuz\w*|urwis\w*|rozrabiak\w*|"
             r"marud\w*|beks\w*|histeryk\w*|szantażyst\w*|maminsynek|mamin\w* (?:córeczk|"
             r"synek|synk)\w*|tatusiow\w* (?:córeczk|synek|synk)\w*|kombinator\w*|"
             r"despot\w*|dyktator\w*|szef\w*|szefow\w*|gwiazd\w*|gwiazdor\w*|piekieln\w*")
# screens and calls
_EKRANY = (r"telewizor\w*|telewizj\w*|ekran\w*|tablet\w*|laptop\w*|komputer\w*|komórk\w*|"
           r"smartfon\w*|telefon\w*|wiadomoś\w*|sms\w*|esemes\w*|mail\w*|facebook\w*|"
           r"instagram\w*|tiktok\w*")
# a baby's bids for the parent
# (the baby's forms only: "uśmiechałaś się" is the parent's)
_WOŁANIE = (r"(?!\w+(?:łaś|łeś|łyście|liście)(?!\w))(?:wołał\w*|woła|płakał\w*|sięgał\w*|"
            r"machał\w*|gaworzył\w*|piszczał\w*|wyciągał\w*|marudził\w*|próbował\w*|"
            r"zaczepiał\w*|patrzył\w*|zerkał\w*|uśmiechał\w*|krzyczał\w*|pokazywał\w*|"
            r"ciągnął\w*|ciągnęł\w*)")
_POWTÓRZENIE = (r"(?:" + _N + r"|kilka|parę|wiele|kilkanaście) razy|raz po raz|w kółko|"
                r"znowu i znowu|ciągle|bez przerwy|wielokrotnie|raz za razem")
# an answer from the parent after the bid: "sięgnęła dwa razy, i wzięłaś ją na ręce"
_ODPOWIEDŹ = (r"[^.!?]*?(?:,|\bi\b|\ba\b|\bwięc\b|\bza każdym razem\b)\s*(?:\w+ ){0,3}?"
              r"(?!nie\b)\w+(?:łaś|łeś|aś|eś)\b")

RULES: tuple[Rule, ...] = (
    Rule(WordRule.USUAL,
         r"w końcu|wreszcie|nareszcie|dla odmiany|choć raz|chociaż raz|"
         r"raz na jakiś czas|w przeciwieństwie do\s+\w+|inaczej niż zwykle|jak zwykle|"
         r"nie tak jak zwykle|nie jak zwykle",
         "compares the parent with how they usually are: it says this is rare",
         "Opisz tę chwilę samą w sobie: 'Zaczekałaś, i ona miała swoją kolej.'"),
    Rule(WordRule.USUAL, r"zwykle|zazwyczaj|normalnie|przeważnie|na ogół",
         "talks about how the parent usually is, not this moment",
         "Opisz tę chwilę samą w sobie: 'Zaczekałaś, i ona miała swoją kolej.'",
         who=Who.PARENT),
    Rule(WordRule.USUAL,
         r"niż (?:zwykle|zazwyczaj|ostatnio|wcześniej|przedtem|kiedyś|poprzednio)|"
         r"coraz lepiej|dużo lepiej|o wiele lepiej|(?:zrobiłaś|zrobiłeś|robisz) postęp\w*|"
         r"poprawiła?ś się|poprawiłeś się|po raz pierwszy|kiedyś (?:nie|ignor|krzycz)\w*",
         "compares the parent with how they were before: it says they were worse",
         "Opisz tę chwilę samą w sobie: 'Byłaś blisko, i ona się uspokoiła.'",
         who=Who.PARENT),
    Rule(WordRule.CONTRAST, r"ale(?! (?:też|także|również|i))|lecz",
         "'but' (ale) takes back what came before it",
         "Użyj 'i': 'Zaczekałaś, i ona miała swoją kolej.'"),
    Rule(WordRule.CONTRAST,
         r"jednak|jednakże|chociaż|choć|mimo że|mimo iż|mimo to|pomimo|aczkolwiek|"
         r"przynajmniej|co prawda|wprawdzie|a jednak|bądź co bądź|mogło być gorzej|"
         r"nie idealnie|nie było idealnie",
         "concessive: it makes the good moment sound grudging",
         "Zostaw tylko to, co dobre: 'Byłaś przy niej, i ona się uspokoiła.'"),
    Rule(WordRule.CONTRAST, r"prawie|niemal|niemalże|ledwo|ledwie|z trudem|jako tako",
         "backhanded: it says the parent did not quite manage",
         "Powiedz, co się wydarzyło: 'Sięgnęłaś do niej, i ona się uśmiechnęła.'",
         who=Who.NOT_BABY),
    Rule(WordRule.CONTRAST,
         r"nie(?:zbyt)? (?:tak )?źle|całkiem nieźle|nieźle|nie najgorzej|jak na ciebie|"
         r"jak na (?:młodą|nową|początkującą|samotną|pierwszy raz)\w*|"
         r"trochę (?:za )?(?:wolno|późno|powoli|szybko|głośno|nerwowo|niezdarnie|sztywno|"
         r"niepewnie)|po jakimś czasie|po dłuższej chwili|zajęło ci to|w końcu ci się",
         "backhanded: it praises and belittles in one breath",
         "Powiedz, co się wydarzyło: 'Odwróciłaś się do niej, i ona się uśmiechnęła.'"),
    Rule(WordRule.INSTRUCTION,
         r"powin(?:n|ien)\w*|musisz|musi|musicie|trzeba|należy|następnym razem|na przyszłość|"
         r"w przyszłości|od teraz|od dziś|spróbuj\w*|postaraj się|staraj się|"
         r"pamiętaj|nie zapomnij|upewnij się|zadbaj|mogłabyś|mogłbyś|mogłaś była|"
         r"mogłeś był|lepiej (?:by|żeby|abyś)|warto by|warto (?:spróbować|pamiętać|zwrócić)|"
         r"proszę|dobrze by było|"
         r"byłoby (?:dobrze|lepiej|miło)|gdybyś|tak trzymaj",
         "tells the parent what to do instead of showing what worked",
         "Opisz, co zadziałało: 'Kiedy zaczekałaś, ona miała swoją kolej.'",
         negation_passes=True),
    Rule(WordRule.INSTRUCTION,
         r"(?:poczekaj|zaczekaj|zwolnij|słuchaj|mów|daj|weź|trzymaj|odpowiadaj|odpowiedz|"
         r"reaguj|bądź|uspokój|przytul|zostaw|zauważ|skup|nie przerywaj|nie krzycz|"
         r"nie spiesz|nie rób|pozwól|patrz na)(?=[\s,;:!.]|$)",
         "an order: it tells the parent what to do",
         "Opisz, co zrobił rodzic: 'Zaczekałaś, i ona miała swoją kolej.'",
         sentence_start=True, bounded=False),
    Rule(WordRule.PRAISE,
         r"dobra robota|świetna robota|kawał dobrej roboty|dobrze zrobione|brawo|gratulacje|"
         r"idealnie|doskonale|perfekcyjnie|znakomicie|rewelacja|rewelacyjnie|bezbłędnie|"
         r"jesteś (?:świetn|wspaniał|najlepsz|super|idealn|niesamowit|cudown|mistrz|"
         r"dobr)\w*|(?:dobra|świetna|wspaniała|idealna|najlepsza|super|cudowna|prawdziwa|"
         r"dzielna) (?:mama|mamusia|matka|mamą)|(?:dobry|świetny|wspaniały|idealny|"
         r"najlepszy|super|dzielny) (?:tata|tatuś|ojciec|rodzic|tatą)|"
         r"zrobiła?ś to (?:dobrze|świetnie|idealnie|pięknie)|zrobiłeś to (?:dobrze|świetnie|"
         r"idealnie|pięknie)|dobrze ci (?:poszło|idzie)|świetnie ci (?:poszło|idzie)|"
         r"(?:jestem|jesteśmy) z ciebie dumn\w*|tak jak trzeba|jak należy|"
         r"prawidłowo|poprawnie",
         "praises without saying what the parent did",
         _OPIS + "'Przytuliłaś ją, i ona się uspokoiła.'"),
    Rule(WordRule.PRAISE,
         r"(?:super|świetnie|pięknie|wspaniale|cudownie|ekstra|bomba|dobrze|wow|"
         r"to było (?:świetne|piękne|cudowne|super|dobre))(?=\s*(?:[!.]|$))",
         "praises without saying what the parent did",
         _OPIS + "'Uśmiechnęłaś się, i ona uśmiechała się dalej.'",
         sentence_start=True),
    Rule(WordRule.LABEL,
         r"manipul\w*|rozpieszczon\w*|rozpuszczon\w*|rozpieszcza\w*|rozpuszcza\w*|"
         r"rozkapryszon\w*|niegrzeczn\w*|wymagając\w*|marudn\w*|maruda|kapryśn\w*|"
         r"kaprysi\w*|przylep\w*|histeryzuj\w*|histeri\w*|złośliw\w*|nieznośn\w*|"
         r"trudn(?:e|a|y) (?:dziecko|dziewczynka|chłopiec|niemowlę)|wymusz\w*|wymusza\w*|"
         r"(?:testuje|sprawdza) cię|cię (?:testuje|sprawdza)|owinęła cię|owinął cię|"
         r"owija cię|leniw\w*|uparciuch|"
         r"upart\w*|płacze na niby|na niby płacze|foch\w*|łobuz\w*|"
         r"mały tyran|mała tyranka|terroryzuje",
         "puts a label on the baby instead of reading the signal",
         "Powiedz, co dziecko mówiło rodzicowi: 'Mówiła ci, że potrzebuje cię blisko, "
         "i wzięłaś ją na ręce.'"),
    Rule(WordRule.COUNTING,
         _N + r" (?:na|z|spośród) " + _N + r"|\d+ ?/ ?\d+|jedyny raz|jedyna chwila|"
         r"jedyny moment|tylko raz|tylko dwa razy|jedynie raz|jeden jedyny raz|"
         r"przez większość czasu|przez połowę czasu|połowę czasu|co drugi raz|"
         r"ocen\w*|punkt(?:ów|y|ach)|ranking\w*|na szóstkę|na piątkę|na medal",
         "counts against a total or ranks: it shows what was not done",
         "Policz to, co się wydarzyło, nigdy względem całości: 'Odpowiedziałaś jej 8 razy.'"),
    Rule(WordRule.NEGATIVE, r"zignorowa\w*|ignorowa\w*|ignoruj\w*|olał\w*|olewa\w*",
         "blames the parent for what they did not do",
         "Nazwij chwilę, którą rodzic zauważył: 'Odwróciłaś się do niej, kiedy zawołała.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.NEGATIVE,
         r"przegapi\w*|przeoczy\w*|umknęł\w* ci|umknął ci|uszło ci|uszła ci|"
         r"nie zauważył\w*|niezauważon\w*",
         "dwells on what the parent did not see",
         "Nazwij chwilę, którą rodzic zauważył: 'Dostrzegłaś jej mały sygnał.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.NEGATIVE,
         r"nie udało ci się|nie udało się|nie wyszło|porażk\w*|niepowodzen\w*|zawiodł\w*|"
         r"zawiódł\w*|zawal\w*|źle|błąd|błędy|błędem|błędnie|pomyłk\w*|pomylił\w*",
         "calls something the parent did wrong, or a failure",
         "Powiedz, co poszło dobrze: 'Zostałaś przy nim, i on się uspokoił.'",
         negation_passes=True),
    Rule(WordRule.NEGATIVE,
         r"rozkojarzon\w*|nieuważn\w*|zajęt\w* telefonem|przy telefonie|w telefonie|"
         r"z telefonem|nie uważał\w*|za (?:wolno|późno|szybko|głośno|mocno|dużo|długo|"
         r"ostro|gwałtownie|wcześnie)|zbyt (?:wolno|późno|szybko|głośno|mocno|dużo|długo|"
         r"ostro|gwałtownie)|spóźnion\w*|krzycz\w*|krzyknęł\w*|krzyknął\w*|"
         r"zdenerwował\w* się|stracił\w* cierpliwość|zapomniał\w*|problem\w*|"
         r"nie radzi\w*|nie dość|niewystarczając\w*|zniecierpliwi\w*|zirytowan\w*|"
         r"przerwał\w*|przerywał\w*|odwrócił\w* się od (?:niej|niego)|szorstk\w*|"
         r"oschł\w*|nieobecn\w*|zdystansowan\w*|obojętn\w*|znudzon\w*",
         "points to what the parent did badly",
         "Powiedz, co poszło dobrze: 'Zostałaś przy nim, i on się uspokoił.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.UNANSWERED,
         r"bez odpowiedzi|bez reakcji|nikt nie odpowiedział|nie odpowiedział\w*|"
         r"nie zareagował\w*|nie było reakcji|zostawił\w* (?:ją|go) (?:płacząc\w*|sam\w*)|"
         r"pozwolił\w* (?:jej|mu) płakać|pozostał\w* bez",
         "mentions a signal that was not answered",
         "Pomiń chwile bez odpowiedzi; pokaż taką, na którą odpowiedziano: "
         "'Sięgnęła, i nazwałaś to.'"),
    Rule(WordRule.JUDGEMENT,
         r"(?:zł|kiepsk|słab|beznadziejn|leniw|samolubn|okropn|wyrodn|nieodpowiedzialn)\w* "
         r"(?:mam\w*|matk\w*|tat\w*|ojc\w*|rodzic\w*)|kiepsk\w*|"
         r"beznadziejn\w*|okropn\w*|fataln\w*|do niczego|rozczarow\w*|nieudoln\w*|"
         r"nieodpowiedzialn\w*",
         "judges the parent as a person",
         "Opisz, co się wydarzyło, ciepłymi słowami: 'Przytuliłaś ją, i ona się uspokoiła.'"),
    Rule(WordRule.JARGON,
         r"kontyngentn\w*|latencj\w*|opóźnieni\w* reakcji|czas\w* reakcji|wynik\w*|"
         r"punktacj\w*|procent\w*|odsetek|odsetka|proporcj\w*|wskaźnik\w*|wrażliwoś\w*|"
         r"dostrojeni\w*|sygnał\w* (?:wycofania|zaangażowania)|wskazówk\w* (?:wycofania|"
         r"zaangażowania)|\w*stymulacj\w*|mentaliz\w*|diad\w*|synchroniz\w*|"
         r"\w*regulacj\w*|rusztowani\w*|interwencj\w*|unikając\w*|zdezorganizowan\w*|"
         r"dane|danych|kodowa\w*|responsywnoś\w*|wzorzec przywiązania|styl przywiązania",
         "a professional word",
         "Użyj codziennych słów: 'odpowiedziałaś jej w sekundę lub dwie'."),
    Rule(WordRule.JARGON, r"%", "a professional word",
         "Podaj liczbę, nigdy procent: '18 chwil'.", bounded=False),
    Rule(WordRule.COMPARISON,
         r"(?:inne|innych|innym|innymi|większość|większości|wszystkie inne|przeciętn\w*|"
         r"typow\w*|normaln\w*) (?:rodzin\w*|rodzic\w*|mam\w*|matk\w*|matek|ojc\w*|"
         r"tatusiów|tatowie|dzieci|dzieciom|niemowl\w*)|niż inn\w*|jak inn\w*|"
         r"w porównaniu z inn\w*|średni\w*|wszyscy inni|reszta grupy",
         "compares with other families",
         "Porównuj tylko z wcześniejszymi nagraniami tej rodziny: 'Więcej rozmowy niż "
         "ostatnio.'",
         unless_before=r"(?:oglądał\w*|obserwował\w*|patrzył\w*|z|obok|przy|do|na|bawił\w* "
                       r"się z)"),
    # ==============================================================================
    # Structure, not phrases (see en.py): modals and wishes addressed to the parent,
    # comparatives anchored in the past, softened faults, frames that make a label,
    # screens, repeated bids without an answer, other parents.
    Rule(WordRule.USUAL, r"tym razem",
         "compares the parent with how they usually are: it says this is rare",
         "Opisz tę chwilę samą w sobie: 'Zaczekałaś, i ona miała swoją kolej.'",
         who=Who.NOT_BABY),
    Rule(WordRule.INSTRUCTION,
         r"(?:możesz|możecie|mogłabyś|mógłbyś|mogłybyście|moglibyście)(?: (?:też|teraz|już|"
         r"spokojnie|śmiało|po prostu|jeszcze|na przykład|czasem|zawsze))*+ "
         r"(?!zobaczyć|zauważyć|usłyszeć|poczuć|być dumn|sobie wyobrazić|się domyślić)"
         r"\w+(?:ć|c)|"
         r"\w+(?:łabyś|łbyś|łybyście|libyście)|żebyś|abyś|"
         r"(?:spróbuj|zrób|poćwicz|popracuj|skup|pomyśl|zacznij|daj|pozwól|poczekaj|"
         r"zaczekaj|zwolnij|przećwicz)(?:my|cie)|"
         r"chciała?bym|chcielibyśmy|chciałybyśmy|proponuję|polecam|zachęcam|sugeruję|"
         r"radzę|wskazówk\w*|zadanie domowe|a może|co powiesz na|"
         r"co byś powiedziała? na|może warto|warto by|"
         r"(?:dobrze|lepiej|fajnie|miło|super|najlepiej) (?:by|byłoby|będzie),? (?:gdyby|"
         r"żeby|abyś|jeśli)",
         "tells the parent what to do instead of showing what worked",
         "Opisz, co zadziałało: 'Kiedy zaczekałaś, ona miała swoją kolej.'",
         negation_passes=True),
    Rule(WordRule.INSTRUCTION,
         r"(?:(?:mamo|tato|mamusiu|tatusiu|\w+),\s+)?(?:(?:po prostu|teraz|tylko|może|"
         r"jeszcze|też|i|najpierw|zawsze)\s+)*(?:połóż|weź|daj|zostaw|pozwól|przytul|"
         r"zwolnij|usiądź|podejdź|nazwij|naśladuj|powtórz|odłóż|wyłącz|ścisz|zrób|idź|"
         r"chodź|bądź|mów|pamiętaj|pokaż|podaj|trzymaj|zacznij|skończ|zatrzymaj|przestań|"
         r"odpuść|poczekaj|zaczekaj|spróbuj|uśmiechnij|dotknij|obejmij|śpiewaj|zaśpiewaj|"
         r"czytaj|przeczytaj|baw|pobaw|rozmawiaj|porozmawiaj|reaguj|odpowiedz|odpowiadaj|"
         r"(?!posłuchaj|zobacz|popatrz)\w+(?:aj|uj|ij|yj|nij))(?=[\s,;:!.]|$)",
         "an order: it tells the parent what to do",
         "Opisz, co zrobił rodzic: 'Zaczekałaś, i ona miała swoją kolej.'",
         sentence_start=True, bounded=False),
    Rule(WordRule.USUAL,
         r"niż (?:na (?:początku|pierwszej \w+|starcie)|\w+ temu|dawniej|przed \w+|"
         r"poprzednio|wcześniej|przedtem|kiedyś)|"
         r"(?:przeszła?ś|przeszedłeś|przebyła?ś|przebyłeś) (?:\w+ )?drogę|"
         r"(?:ogromn|wielk|duż|niesamowit)\w* (?:postęp|zmian|różnic)\w*|"
         r"(?:zmieniła?ś|zmieniłeś) się|od (?:kiedy|czasu,? gdy|początku) (?:zaczęli\w*|"
         r"zaczęły\w*|zaczęła?ś|nagrywa\w*|się spotyka\w*|przychodzę|się znamy)|"
         r"od (?:pierwszej|ostatniej|poprzedniej|zeszłej) (?:wizyty|sesji|wizycie|nagrania)|"
         r"od (?:zeszłego|ostatniego|pierwszego) (?:razu|tygodnia|miesiąca|nagrania|"
         r"spotkania)|naj\w+[^.!?]{0,30}(?:widziała?m|widziałem|widzieliśmy|widziałyśmy|"
         r"nagrała?m|nagrałem|nagraliśmy|nagrałyśmy)|kto by pomyślał|zaskoczyła?ś|"
         r"zaskoczyłeś|w porównaniu z (?:pierwsz|poprzedni|ostatni|początk)\w*|"
         r"inaczej niż|w odróżnieniu od",
         "compares the parent with how they were before: it says they were worse",
         "Opisz tę chwilę samą w sobie: 'Byłaś blisko, i ona się uspokoiła.'",
         who=Who.NOT_BABY),
    Rule(WordRule.USUAL,
         r"(?:o wiele|dużo|znacznie|coraz|jeszcze) (?:bardziej|mniej|\w+(?:iej|sza|szy|"
         r"sze))|już nie|nie \w+ już|teraz już",
         "compares the parent with how they were before: it says they were worse",
         "Opisz tę chwilę samą w sobie: 'Byłaś blisko, i ona się uspokoiła.'",
         who=Who.PARENT),
    Rule(WordRule.CONTRAST,
         r"(?:trochę|nieco|dość|dosyć|raczej|ciut|odrobinę|lekko|niezbyt|mało) (?:"
         + _USTERKA + r")|na początku|z początku|początkowo|najpierw|"
         r"jakoś (?:dała?ś|dałeś|poszło|wyszło|się udało|przeszła?ś)|dała?ś radę|dałeś radę|"
         r"udało ci się|nawet (?:z|przy|mimo|pomimo)|w sumie|ogólnie rzecz biorąc|"
         r"dopiero(?! co)",
         "backhanded: it praises and belittles in one breath",
         "Powiedz, co się wydarzyło: 'Odwróciłaś się do niej, i ona się uśmiechnęła.'",
         who=Who.NOT_BABY),
    Rule(WordRule.PRAISE,
         r"jesteś(?: (?:w tym|z nią|z nim|dla niej|dla niego|po prostu|naprawdę|taka|taki|"
         r"bardzo|najzwyczajniej))* (?:genialn|fantastyczn|rewelacyjn|niesamowit|mistrz|"
         r"ekstra|bosk|cudown|świetn|wspaniał|najlepsz|super|idealn|wyjątkow|niezwykł)\w*|"
         r"mistrz\w*|mistrzostwo",
         "praises without saying what the parent did",
         _OPIS + "'Przytuliłaś ją, i ona się uspokoiła.'"),
    Rule(WordRule.LABEL,
         r"(?:(?:mał\w*|prawdziw\w*|niezł\w*|straszn\w*|istn\w*|typow\w*|co za|ale z (?:niej|"
         r"niego)|z (?:niej|niego))\s+)+(?:" + _ETYKIETA + r")|"
         r"(?<!dla )(?:specjalnie|celowo)(?! dla)|na złość|żeby cię (?:zdenerwować|"
         r"zezłościć|sprawdzić|wkurzyć|przetestować|zmanipulować)|"
         r"typow\w* (?:zachowani\w*|dwulat\w*|roczniak\w*|niemowl\w*|dzieciak\w*|bunt\w*)",
         "puts a label on the baby instead of reading the signal",
         "Powiedz, co dziecko mówiło rodzicowi: 'Mówiła ci, że potrzebuje cię blisko, "
         "i wzięłaś ją na ręce.'",
         unless_after=r"\s*(?:z książki|w książce|z bajki|w bajce|z piosenki)"),
    Rule(WordRule.NEGATIVE,
         r"(?:patrzył\w*|gapił\w*|wpatrywał\w*|oglądał\w*|zerkał\w*|siedział\w*|pisał\w*|"
         r"przewijał\w*|sprawdzał\w*|odpisywał\w*|rozmawiał\w*|zajęt\w*|zajmował\w* się)"
         r"\s+(?:\w+\s+){0,2}?(?:(?:w|na|przez|z|przy|do)\s+)?(?:" + _EKRANY + r")|"
         r"(?:stała?ś|stałeś|siedziała?ś|siedziałeś) (?:do niej |do niego )?tyłem|"
         r"plecami do (?:niej|niego)|tyłem do (?:niej|niego)|w drugim pokoju|"
         r"wyszła?ś z pokoju|wyszedłeś z pokoju|myślami gdzie indziej|gdzie indziej|"
         r"(?:rozmawiała?ś|rozmawiałeś|gadała?ś) (?:ze mną|z kimś|przez telefon|z \w+),? "
         r"(?:kiedy|gdy)|niestety|szkoda",
         "points to what the parent did badly or was not there for",
         "Powiedz, co poszło dobrze: 'Zostałaś przy nim, i on się uspokoił.'",
         who=Who.NOT_BABY, negation_passes=True),
    Rule(WordRule.UNANSWERED,
         r"(?:próbował\w*|usiłował\w*|starał\w* się) (?:\w+ ){0,3}?(?:zwrócić|przyciągnąć|"
         r"złapać) (?:twoją |na siebie )?uwag\w*|(?:" + _WOŁANIE + r")(?: \w+)? (?:"
         + _POWTÓRZENIE + r")|(?:" + _POWTÓRZENIE + r") (?:\w+ )?(?:" + _WOŁANIE + r")",
         "mentions a signal that was not answered",
         "Pomiń chwile bez odpowiedzi; pokaż taką, na którą odpowiedziano: "
         "'Sięgnęła, i nazwałaś to.'",
         unless_after=_ODPOWIEDŹ),
    Rule(WordRule.UNANSWERED,
         r"(?:" + _WOŁANIE + r"|czekała?(?!\w))(?: \w+){0,3},? (?:zanim|aż|dopóki nie)",
         "mentions a signal that was not answered",
         "Pomiń chwile bez odpowiedzi; pokaż taką, na którą odpowiedziano: "
         "'Sięgnęła, i nazwałaś to.'"),
    Rule(WordRule.COUNTING,
         r"(?:połow\w*|większoś\w*|część|częś\w*|mniejszoś\w*|ćwierć|kilka|parę) (?:z )?"
         r"(?:jej|jego|ich|tych) (?:\w+ )?(?:sygnał|uśmiech|dźwięk|spojrze|gest|prób|"
         r"okrzyk|płacz|odgłos)\w*|(?:na|w) połowie (?:przypadków|razy)",
         "counts against a total or ranks: it shows what was not done",
         "Policz to, co się wydarzyło, nigdy względem całości: 'Odpowiedziałaś jej 8 razy.'"),
    Rule(WordRule.COMPARISON,
         r"niż (?:większość|wiele|wielu|reszta|pozostał\w*|niejedn\w*|przeciętn\w*|"
         r"mało kto|ktokolwiek|wszyscy)|mało (?:któr\w*|kto)|nie każd\w* (?:mam\w*|tat\w*|"
         r"rodzic\w*|matk\w*|ojc\w*)|(?:lepiej|szybciej|spokojniej|więcej|częściej|"
         r"lepsz\w*) niż (?:\w+ ){0,2}(?:rodzic|mam|matk|ojc|tat|dziec|niemowl)\w*",
         "compares with other families",
         "Porównuj tylko z wcześniejszymi nagraniami tej rodziny: 'Więcej rozmowy niż "
         "ostatnio.'"),
    Rule(WordRule.JUDGEMENT,
         r"niedbal\w*|niedbał\w*|byle jak|na odczepnego|bez serca|bez zaangażowania",
         "judges the parent as a person",
         "Opisz, co się wydarzyło, ciepłymi słowami: 'Przytuliłaś ją, i ona się uspokoiła.'"),
    Rule(WordRule.JARGON,
         r"wzajemnoś\w*|interakcj\w*|responsywn\w*|przywiązani\w*|sensytywn\w*|"
         r"kontenerowa\w*|zaangażowani\w*|bezpieczn\w* baz\w*|naprzemienn\w*|"
         r"regulowa\w* emocj\w*|modelowa\w*|odzwierciedla\w*",
         "a professional word",
         "Użyj codziennych słów: 'odpowiedziałaś jej w sekundę lub dwie'."),
)

NEGATION = Negation(
    # "dopóki (się) nie" is "until", not a negation
    negators=(r"(?<!dopóki )(?<!dopóki się )(?<!aż )(?<!aż się )nie|nigdy|nic|nikt|żaden|"
              r"żadna|żadne|żadnego|ani"),
    skip=(r"nie|się|ani|na|chwilę|moment|sekundę|nawet|raz|razu|już|chciał\w*|chcia\w*|"
          r"mogł\w*|mógł|może|umiał\w*|zamierzał\w*|próbował\w*|ci|jej|mu|go|ją|jego|"
          r"z|od|tak|był\w*|było|jest|miał\w*|dał\w* rady|dało się|ona|on|ty|ciebie|"
          r"tobie|oka|wzroku"),
    strengths=(
        r"poddał\w*|poddaj\w*|poddawa\w*|przesta\w*|spiesz\w*|śpiesz\w*|pospiesz\w*|"
        r"pośpiesz\w*|poganiał\w*|popędzał\w*|odpuści\w*|odpuszcza\w*|wahał\w*|zawahał\w*|"
        r"puści\w*|puszczał\w*|odwróci\w*|odwraca\w*|oderwa\w*|odrywa\w*|odszedł\w*|"
        r"odeszł\w*|odchodził\w*|zostawi\w*|zostawia\w*|przerwa\w*|przerywa\w*|"
        r"przeszkadza\w*|zignorowa\w*|ignorowa\w*|przegapi\w*|przeoczy\w*|zapomnia\w*|"
        r"straci\w*|traci\w*|zniecierpliwi\w*|zdenerwowa\w*|podnosi\w*|podniosł\w*|"
        r"płakał\w*|płacze|płakać|marudził\w*|protestowa\w*|bał\w*|bała|przestraszył\w*|"
        r"wystraszył\w*|musiał\w*|potrzeb\w*|trzeba|tylko|sam\w*|daleko|powstrzyma\w*|"
        r"powstrzymywa\w*|przeszkodzi\w*|zatrzyma\w*|zgasi\w*|gasł\w*|nudził\w*|"
        r"znudził\w*|zmęczył\w*|męczył\w*|dziwnego|szkodzi|dość|wątpliwości|"
        r"spuszcza\w*|spuści\w*|rozprasza\w*|rozproszył\w*|cofnęł\w*|cofnął\w*|"
        r"zwraca\w* uwagi na (?:zabawk|inne|nic innego|hałas|telewizor)\w*"),
)

LEXICON = words("""
i a w z na się nie jest że to ty ona on jej go ją mu ci cię kiedy gdy jak tak do od po
za przez dla było była był mama tata dziecko uśmiechnęła uśmiechnął zaczekałaś
zaczekałeś czekałaś odpowiedziałaś brawo dobra robota super świetnie razem swoją swoją
kolej ręce wzięłaś przytuliłaś śmiała śmiał bardzo już jeszcze też tylko wtedy potem
tobą ciebie twój twoja twoje twoim twoją o u co czy jego ich tu tam teraz buzię oczy
twarz głos głosem spokojnie cicho ciepło zabawa zabawkę ale więc bo ponieważ która
który które miała miał mamą tatą dobrze dalej się ją nią niej niego mamo tato córka
synek maluch zawsze nigdy nic wreszcie w końcu następnym razem powinnaś musisz
ona się uśmiechnęła kiedy spojrzała odwróciłaś nazwałaś
""")

# Bare evaluation: a sentence of these words alone praises and describes nothing.
EVALUATIVE = words("""
super świetnie świetne pięknie cudownie wspaniale ekstra bomba rewelacja rewelacyjnie brawo
cudo cudne cudny cudna cudowne cudowny cudowna piękne piękny piękna śliczne ślicznie
genialnie genialne fantastycznie fajnie fajne doskonale idealnie wow mistrzostwo mistrz
mistrzyni sztos petarda klasa kozak czad bosko boskie dobrze brawa gratulacje hurra
wspaniałe wspaniały wspaniała niesamowite niesamowicie
""")
FILLER = words("""
po prostu naprawdę bardzo to było jest no och ach o mamo tato mamusiu tatusiu mama tata co
za jaka jaki jakie aż wprost zupełnie całkiem mega totalnie ty ci wam wyszło poszło chwila
moment robota świata jak tak że się razem wy was dla ciebie obojga i tu tutaj dziś dzisiaj
""")

LANGUAGE = Language(
    code="pl",
    name="polski",
    rules=RULES,
    negation=NEGATION,
    clause_break=(r"[,;:.!?()\[\]\u2014\u2013]|\s-\s|(?<![\w'])(?:i|a|ale|lecz|więc|bo|"
                  r"ponieważ|kiedy|gdy|podczas gdy|zanim|potem|aż|jeśli|jeżeli|albo|lub|"
                  r"który|która|które|gdzie)(?![\w'])"),
    parent_words=(r"ty|ciebie|tobie|pani|pan|mama|mamo|mamusia|mamą|tata|tato|tatuś|tatą|"
                  r"rodzic|twój|twoja|twoje|twoim|twoją|twoich|ja|my"),
    baby_words=(r"ona|on|ono|dziecko|dziecku|maluch|maluszek|maleństwo|córka|córeczka|"
                r"synek|syn|bobas|brat|siostra|pies|kot"),
    passive=r"był|była|było|byli|zostało|został|została|jest|są",
    lexicon=LEXICON,
    evaluative=EVALUATIVE,
    filler=FILLER,
    bare_suggestion=_OPIS + "'Przytuliłaś ją, i ona się uspokoiła.'",
    parent_verb=r"łaś|łeś|łabyś|łbyś|esteś|asz|isz|ysz|esz|ujesz",
    baby_verb=r"ła|ł|ło|ała|iła|ęła|ął|ał|ił",
    impersonal=r"\w*ło",
)
