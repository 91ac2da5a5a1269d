"""baresip as the lab's far-end phone: dials through Kamailio, with or without SRTP; plays a tone, dumps
what it hears."""

from __future__ import annotations

import math
import struct
import subprocess
import wave
from pathlib import Path

from lab_tools import lab_tool_missing, require_binaries
from telephony_lab import _kill_group

MODULES = Path("/usr/lib/baresip/modules")
SAMPLE_RATE = 8000


def tone_wav(path: Path, frequency: float, seconds: float, amplitude: int = 8000) -> Path:
    """A 16-bit mono 8 kHz WAV of one sine: what baresip sends (aufile source)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        samples = (
            round(amplitude * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE))
            for n in range(int(SAMPLE_RATE * seconds))
        )
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))
    return path


def read_wav(path: Path) -> bytes:
    with wave.open(str(path), "rb") as source:
        return source.readframes(source.getnframes())


class Baresip:
    """One baresip (1.0) that dials `target` once and quits after `seconds`: `mediaenc` is its account's
    media encryption ("" plain RTP/AVP, "srtp" best effort: RTP/AVP with a=crypto, "srtp-mand": RTP/SAVP)."""

    def __init__(
        self,
        workdir: Path,
        *,
        kamailio_port: int,
        sip_port: int,
        rtp_ports: tuple[int, int],
        mediaenc: str = "",
        tone_hz: float = 1000.0,
        user: str = "1002",
        password: str = "",
        host: str = "127.0.0.1",
        netns: str | None = None,
    ) -> None:
        """With `password` it registers as `user` and answers every call by itself (`answer`). `netns`: it
        runs in that network namespace (another host of the lab) with Kamailio, both on `host`. It prints
        the RTCP figures of each call as it ends (rtcpsummary: what it measured, what our reports said)."""
        require_binaries("baresip", install="apt-get install -y baresip-core")
        if not (MODULES / "srtp.so").exists():
            lab_tool_missing(f"baresip's srtp module is not in {MODULES} (apt-get install -y baresip-core)")
        self.workdir = workdir
        self.dumps = workdir / "dumps"
        self.kamailio_port = kamailio_port
        self.host = host
        self.netns = netns
        self.output = workdir / "baresip.log"
        workdir.mkdir(parents=True, exist_ok=True)
        self.dumps.mkdir(exist_ok=True)
        tone = tone_wav(workdir / "tone.wav", tone_hz, seconds=30)
        (workdir / "config").write_text(
            "\n".join(
                [
                    "poll_method epoll",
                    f"sip_listen {host}:{sip_port}",
                    "audio_player aufile",  # there is no such player: what it hears is the sndfile dump
                    f"audio_source aufile,{tone}",
                    "audio_alert aufile",
                    f"rtp_ports {rtp_ports[0]}-{rtp_ports[1]}",
                    f"module_path {MODULES}",
                    "module g711.so",
                    "module aufile.so",
                    "module sndfile.so",
                    "module srtp.so",
                    "module rtcpsummary.so",
                    "module_tmp account.so",
                    "module_app menu.so",
                    f"snd_path {self.dumps}",
                    "",
                ]
            )
        )
        account = f"<sip:{user}@{host}:{kamailio_port}>;audio_codecs=PCMA"
        if password:
            account += f";auth_pass={password};regint=60;answermode=auto"
        else:
            account += ";regint=0"
        if mediaenc:
            account += f";mediaenc={mediaenc}"
        (workdir / "accounts").write_text(account + "\n")
        self.process: subprocess.Popen[bytes] | None = None

    def dial(self, extension: str, seconds: float) -> Baresip:
        """Call `extension` through Kamailio; baresip hangs up and exits after `seconds`."""
        return self.answer(seconds, "-e", f"/dial sip:{extension}@{self.host}:{self.kamailio_port}")

    def answer(self, seconds: float, *commands: str) -> Baresip:
        """Run for `seconds` (registered and answering when it has a password), then exit."""
        # line-buffered: tests read its log while it runs (a block-buffered line can come seconds late)
        command = ["stdbuf", "-oL", "-eL", "baresip", "-f", str(self.workdir), *commands]
        command += ["-t", str(math.ceil(seconds))]
        if self.netns:
            command = ["ip", "netns", "exec", self.netns, *command]
        with open(self.output, "wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process)

    def log(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    def heard(self) -> bytes:
        """The PCM baresip decoded from us (its sndfile dump of the receive side); b"" when none."""
        dumps = sorted(self.dumps.glob("*-dec.wav"))
        return read_wav(dumps[-1]) if dumps else b""
