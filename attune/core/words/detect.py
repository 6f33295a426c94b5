"""Which language a caption is in, cheaply and without a model.

Each word is looked up in short lists of the commonest words of the languages families in
the UK speak most (English and Polish with rules; Welsh, Romanian, Punjabi and Urdu in
Latin letters, Portuguese, Spanish, Lithuanian, French, Italian, German, Somali without,
so that they are recognised as "not ours" rather than guessed to be English). Letters
that only one language uses count too (Polish ł ą ę ś ź ż ć ń; Welsh ŵ ŷ). A text in a
script other than Latin is "unknown" (no rules for it yet). The language with the most
hits wins; a tie goes to the expected language; no hits at all is "unknown".
"""

from __future__ import annotations

import re

from attune.core.words import en, pl
from attune.core.words.rules import words

UNKNOWN = "unknown"

_OTHERS: dict[str, frozenset[str]] = {
    "cy": words(
        "a ac ar at ei eich ein fy dy hi fe fo mae roedd oedd yn yr y wedi gyda efo chi ti "
        "rwyt rydych wnaethoch wnest da iawn dda mam dad babi pan hefyd ond gwenodd "
        "edrychodd aros arhosoch ddim nid dim sy sydd bod mewn i'w i'r o'r a'r "
        "wrth gan am ac eto dyna dyma ti'n chi'n mae'n hi'n fe'n gwên wên troi thro "
        "thro tro cael"),
    "ro": words("și este sunt cu pe la de ai ea el nu mai foarte bine bravo tu voi "
                    "copilul mama tata când și-a s-a zâmbit"),
    "pt": words("você ela ele não com uma um muito bem mãe pai quando está foi "
                    "sorriu esperou bebê bebé"),
    "es": words("usted ella él con una muy bien mamá papá cuando está fue sonrió "
                    "esperaste bebé pero y el la los las"),
    "lt": words("tu ji jis ir su labai gerai mama tėtis kai buvo nusišypsojo "
                    "kūdikis"),
    "fr": words("vous elle il avec une très bien maman papa quand est était a souri "
                    "attendu bébé et le la les mais"),
    "it": words("lei lui con una molto bene mamma papà quando è era sorriso "
                    "aspettato bambina bambino e il"),
    "de": words("du sie er mit eine sehr gut mama papa wenn ist war hat gelächelt "
                    "gewartet baby und die der das aber"),
    "so": words("waxaad adiga iyada isaga iyo aad hooyo aabe ilmaha markii"),
    "pa": words("tusi tussi ohne oh bahut vadhiya changa bacha bachi mummy ji "
                    "haan nahi"),
    "ur": words("aap ap ne bahut acha achha bachay bacha bachi jab woh wo aur "
                    "kiya nahin hai tha thi ammi abbu"),
}
_LEXICONS: dict[str, frozenset[str]] = {
    en.LANGUAGE.code: en.LANGUAGE.lexicon, pl.LANGUAGE.code: pl.LANGUAGE.lexicon, **_OTHERS,
}
_LETTERS = {"pl": re.compile(r"[łąęśźżćń]"), "cy": re.compile(r"[ŵŷ]")}
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def detect_language(text: str, prefer: str | None = None) -> str:
    """An ISO 639-1 code, or "unknown".

    >>> detect_language("You waited, and she had her turn.")
    'en'
    >>> detect_language("Zaczekałaś, a ona miała swoją kolej.")
    'pl'
    >>> detect_language("Arhosoch chi, ac roedd hi'n cael ei thro.")
    'cy'
    >>> detect_language("آپ نے انتظار کیا")
    'unknown'
    """
    words = [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]
    if not words:
        return UNKNOWN
    latin = sum(1 for w in words if all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in w))
    if latin * 2 < len(words):
        return UNKNOWN
    scores: dict[str, float] = {}
    for code, lexicon in _LEXICONS.items():
        hits: float = sum(1 for w in words if w in lexicon)
        letters = _LETTERS.get(code)
        if letters:
            hits += sum(1 for w in words if letters.search(w)) * 1.5
        if hits:
            scores[code] = hits
    if not scores:
        return UNKNOWN
    best = max(scores.values())
    top = [c for c, s in scores.items() if s == best]
    return prefer if prefer in top else top[0]
