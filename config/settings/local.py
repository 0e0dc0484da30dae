from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# `make run` answers the README's curl examples out of the box (production reads real keys from the
# environment and refuses a provider without one).
SEPAY_API_KEY = env("SEPAY_API_KEY", default="demo-sepay-key")
CASSO_CHECKSUM_KEY = env("CASSO_CHECKSUM_KEY", default="demo-casso-key")
