"""OpenBMIS: an open-source, offline-first Border Management Information System.

The package is split in two layers:

* pure domain libraries (``mrz``, ``epassport``, ``screening``, ``stay``) that import no
  Django and can be used on their own;
* the Django application (``server`` and the apps named by domain noun) that calls them.
"""

__version__ = "0.1.0"
