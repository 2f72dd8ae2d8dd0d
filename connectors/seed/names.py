"""English names of Vietnamese administrative units, written the way official English texts write them."""

from __future__ import annotations

from semantic.fold import strip_accents

#: Vietnamese unit-type prefix -> English suffix ("Tỉnh Hưng Yên" -> "Hung Yen Province").
_UNIT_TYPES = (
    ("Thành phố ", "City"),
    ("Tỉnh ", "Province"),
    ("Phường ", "Ward"),
    ("Xã ", "Commune"),
    ("Đặc khu ", "Special Zone"),
)


ascii_fold = strip_accents


def english_name(name_vi: str) -> str:
    """'Thành phố Hà Nội' -> 'Ha Noi City', 'Tỉnh Hưng Yên' -> 'Hung Yen Province', 'Xã Tân Lập' -> 'Tan Lap Commune'.

    Unit types not listed are folded as they are.
    """
    for prefix, suffix in _UNIT_TYPES:
        if name_vi.startswith(prefix):
            return f"{ascii_fold(name_vi[len(prefix) :])} {suffix}"
    return ascii_fold(name_vi)
