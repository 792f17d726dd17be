"""Start-up checks for the system libraries the exports rely on."""

import ctypes.util

from django.core.checks import Warning, register


@register()
def harfbuzz_subsetter(app_configs, **kwargs):
    """WeasyPrint subsets fonts with HarfBuzz; without it, fontTools is ~35 times slower."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        Warning(
            "HarfBuzz's subsetter (libharfbuzz-subset0) is missing: PDF exports will be about 35 times slower.",
            hint="Install it: apt-get install libharfbuzz-subset0 (make install does this as root).",
            id="shopconfig.W001",
        )
    ]
