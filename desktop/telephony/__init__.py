"""Qt-free SIP user agent on pyVoIP's edges: registration, calls and plain domain events."""

from desktop.telephony.agent import CallInfo, CallNotFound, SipAgent
from desktop.telephony.audio import (
    AudioSink,
    AudioSource,
    CallAudio,
    MemorySink,
    NullSink,
    PcmSource,
    ToneSource,
    WavRecorder,
)
from desktop.telephony.config import AgentPolicy, SipAccount
from desktop.telephony.events import (
    CallEnded,
    CallHoldChanged,
    CallState,
    CallStateChanged,
    DtmfReceived,
    EndReason,
    IncomingCall,
    MalformedMessage,
    RegistrationChanged,
    RegistrationRefreshed,
    RegistrationState,
    StunResult,
    TelephonyEvent,
    TransferChanged,
    TransferState,
)
from desktop.telephony.transaction import TimerValues

__all__ = [
    "AgentPolicy",
    "AudioSink",
    "AudioSource",
    "CallAudio",
    "CallEnded",
    "CallHoldChanged",
    "CallInfo",
    "CallNotFound",
    "CallState",
    "CallStateChanged",
    "DtmfReceived",
    "EndReason",
    "IncomingCall",
    "MalformedMessage",
    "MemorySink",
    "NullSink",
    "PcmSource",
    "RegistrationChanged",
    "RegistrationRefreshed",
    "RegistrationState",
    "SipAccount",
    "SipAgent",
    "StunResult",
    "TelephonyEvent",
    "TimerValues",
    "ToneSource",
    "TransferChanged",
    "TransferState",
    "WavRecorder",
]
