# Arabic as read in Belgium: day, month, year (Django's Arabic formats define no date and time
# formats, which then fell back to the American defaults) and 24-hour times. The right-to-left
# marks (U+200F) keep the short date's parts in order inside right-to-left text.
DATE_FORMAT = "j F، Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F، Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                          "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
