"""The formats of the languages that write the day first on pages (French, Spanish, Portuguese, Arabic): dates
as 04/12/2026, times 24-hour; what is typed stays ISO, as in every language (see openbmis.formats)."""

from openbmis.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_FORMAT, TIME_INPUT_FORMATS

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"

__all__ = [
    "DATE_FORMAT", "DATE_INPUT_FORMATS", "DATETIME_FORMAT", "DATETIME_INPUT_FORMATS", "MONTH_DAY_FORMAT",
    "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT", "TIME_INPUT_FORMATS", "YEAR_MONTH_FORMAT",
]
