"""The one place that imports pyVoIP 1.6.8 (it must load `pyVoIP.VoIP` before `pyVoIP.SIP`)."""

from __future__ import annotations

import sys
import warnings

with warnings.catch_warnings():
    # pyVoIP 1.6.8 imports audioop (deprecated in 3.11, gone in 3.13, where audioop-lts provides it).
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    try:
        import audioop  # noqa: F401
    except ImportError:  # neither the standard library's nor audioop-lts: pyVoIP still has to load
        from desktop.telephony import audioop_fallback

        sys.modules["audioop"] = audioop_fallback
    import pyVoIP.VoIP  # noqa: F401  (breaks pyVoIP's circular import between SIP and VoIP)
    from pyVoIP.SIP import SIPMessage, SIPStatus

__all__ = ["SIPMessage", "SIPStatus"]
