"""The phone inside the desk: the SIP agent's bridge, pop-up, in-call bar, wrap-up, callbacks, presence."""
