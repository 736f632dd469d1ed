"""The on-screen keypads of the send sheet: digits and + for a phone number, a keyboard in the
shopper's layout (AZERTY in French) with @ and .com for an e-mail address."""

from __future__ import annotations

from kiosk import i18n

KEY_GAP = 8
PHONE_KEY = 100
LETTER_KEY = 58
Row = list[tuple[str, int]]

LETTERS = {
    "fr": ("azertyuiop", "qsdfghjklm", "wxcvbn"),
    "en": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}


def keyboard(channel: str, locale: str) -> list[Row]:
    """Rows of (label, width in design pixels); each key types its label, except the delete
    key (``send.delete``) which removes the last character."""
    delete = i18n.text("send.delete", locale)
    if channel == "sms":
        rows = [[(digit, PHONE_KEY) for digit in digits] for digits in ("123", "456", "789")]
        return [*rows, [("+", PHONE_KEY), ("0", PHONE_KEY), (delete, PHONE_KEY)]]
    letters = LETTERS.get(locale, LETTERS["en"])
    rows = [[(digit, LETTER_KEY) for digit in "1234567890"]]
    rows += [[(letter, LETTER_KEY) for letter in row] for row in letters]
    rows[-1] += [("-", LETTER_KEY), ("_", LETTER_KEY)]
    return [*rows, [("@", LETTER_KEY), (".", LETTER_KEY), (".com", 100), (delete, 200)]]


class KeypadEntry:
    """What a shopper types on a sheet's keypad, and the consent toggle beside it: shared by the
    send sheet and the reservation sheet (listed after their layer class, whose ``invalidate``
    draws them again)."""

    _typed: str
    _consent: bool
    _notice: tuple[str, str] | None

    def invalidate(self) -> None:
        raise NotImplementedError

    def _type(self, key: str, locale: str, most: int) -> None:
        """One key: the delete key removes a character, any other adds its label (up to
        ``most`` characters); a notice shown is dropped."""
        if key == i18n.text("send.delete", locale):
            self._typed = self._typed[:-1]
        elif len(self._typed) + len(key) <= most:
            self._typed += key
        self._notice = None
        self.invalidate()

    def _toggle_consent(self) -> None:
        self._consent = not self._consent
        self.invalidate()
