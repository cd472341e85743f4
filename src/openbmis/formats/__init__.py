"""Date and time formats: one way across the product, in every language (issue 12).

Django looks up ``openbmis.formats.<language>.formats`` (settings.FORMAT_MODULE_PATH). Every language we
ship gets the same ISO 8601 dates (2026-12-04) and 24-hour times, so a page never shows three formats and
a date input carries an ISO value in French as in English (the browser's date picker wants ISO).
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
