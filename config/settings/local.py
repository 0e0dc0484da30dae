from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# `make run` answers the README's curl examples out of the box (production reads real keys from the
# environment and refuses a provider without one).
SEPAY_API_KEY = env("SEPAY_API_KEY", default="demo-sepay-key")
CASSO_CHECKSUM_KEY = env("CASSO_CHECKSUM_KEY", default="demo-casso-key")

# The demo bank account of MONEY.md's examples (base.py has none: production must set its own).
BANK_NAME = env("BANK_NAME", default="Vietcombank")
BANK_BIN = env("BANK_BIN", default="970436")
BANK_ACCOUNT_NUMBER = env("BANK_ACCOUNT_NUMBER", default="0123499999")
BANK_ACCOUNT_HOLDER = env("BANK_ACCOUNT_HOLDER", default="CONG TY TNHH KY GUI MOT BUOC")
