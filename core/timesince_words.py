"""The words of Django's `timesince` ("2 minutes"), which Django's own Vietnamese catalogue lacks: written out here
(as django.utils.timesince.TIME_STRINGS has them) so that `make messages` keeps them in ours, where the Vietnamese
translation lives. Nothing imports this module; a claim's "Customer wrote 2 phút ago" reads from the catalogue."""

from django.utils.translation import ngettext_lazy

TIME_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
