"""Syntax of the registry's own identifiers (DOMAIN.md), defined once: the gateway refuses a
malformed one early, the registry decides whether it exists."""

ROLES = ("kader", "tph", "opd_officer", "opd_head", "admin", "viewer")
OPD_SHORT_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,30}$"                 # `dinkes`
OPD_CODE_PATTERN = r"^\d{2}\.\d{2}/[a-z][a-z0-9_]{1,30}$"          # `33.25/dinkes`
UNIT_CODE_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,60}$"                  # `puskesmas-33.25.01`
REGISTRATION_NUMBER_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z./-]{1,38}[0-9A-Za-z]$"   # Posyandu
# an OPD's webhook: HTTPS in production; plain HTTP is accepted for receivers inside a
# private network (and the local test receiver)
WEBHOOK_URL_PATTERN = r"^https?://[^\s/]{1,253}(:\d{1,5})?(/\S{0,490})?$"
