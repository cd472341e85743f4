"""Date and time formats: one way per language across the product (issues 12 and 20).

Django looks up ``openbmis.formats.<language>.formats`` (settings.FORMAT_MODULE_PATH). English shows ISO 8601
dates (2026-12-04); French, Spanish, Portuguese and Arabic show day/month/year (04/12/2026), as their
administrations write them (`openbmis.formats.day_first`). Times are 24-hour everywhere. Pages format through the
named formats (``|date:"SHORT_DATE_FORMAT"``), never a pattern of their own, so a page never mixes two. What is
typed and what travels stays ISO in every language: the input formats below (a date input carries an ISO value,
which the browser's date picker wants), the API and the exports.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "m-d"
YEAR_MONTH_FORMAT = "Y-m"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

