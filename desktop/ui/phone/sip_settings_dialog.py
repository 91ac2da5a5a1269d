"""SIP account settings: server, domain, proxy, transport, call encryption, ports, password in the keyring;
test connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.phone.account import try_registration, unbound_account
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.telephony import AgentPolicy, RegistrationChanged
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import (
    DeviceProvider,
    MediaDevices,
    Ringer,
    SoundDevice,
    choose,
    no_device_text,
)
from desktop.ui.phone.status import describe

RING_TRY_MS = 2000  # one loop of the ringtone


def _spin(parent: QWidget, low: int, high: int, value: int, name: str) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(low, high)
    box.setValue(value)
    box.setObjectName(name)
    return box


class SipSettingsDialog(QDialog):
    """Edits the account in place on OK; the password goes to the keyring (or this session only)."""

    def __init__(
        self,
        settings: Settings,
        passwords: SipPasswordStore,
        runner: TaskRunner,
        policy: AgentPolicy | None = None,
        parent: QWidget | None = None,
        *,
        devices: DeviceProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sipSettingsDialog")
        self.setWindowTitle(self.tr("Switchboard account"))
        self.setMinimumWidth(480)
        self._settings = settings
        self._passwords = passwords
        self._runner = runner
        self._policy = policy or AgentPolicy()
        self.session_password: str | None = None
        self.server_edit = QLineEdit(settings.sip_server, self)
        self.server_edit.setObjectName("sipServer")
        self.server_edit.setPlaceholderText("pbx.tongdai1022.vn")
        self.port_spin = _spin(self, 1, 65535, int(settings.sip_port), "sipPort")
        self.extension_edit = QLineEdit(settings.sip_extension, self)
        self.extension_edit.setObjectName("sipExtension")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("sipPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("the extension's password"))
        # The saved password is read on a worker (a locked keyring must not freeze the dialog); until it
        # answers the field asks for one, then says "(unchanged)" when one is saved.
        self._saved: tuple[str, str, str | None] | None = None
        if settings.sip_server:
            server, extension = settings.sip_server, settings.sip_extension
            runner.run(
                lambda: passwords.get(server, extension),
                lambda found: self._on_saved_password_read(server, extension, found),
                lambda _error: None,
            )
        self.transport_combo = QComboBox(self)
        self.transport_combo.setObjectName("sipTransport")
        for label, value in (("UDP", "udp"), ("TCP", "tcp"), ("TLS", "tls")):
            self.transport_combo.addItem(label, value)
        self.transport_combo.setCurrentIndex(max(0, self.transport_combo.findData(settings.sip_transport)))
        self.domain_edit = QLineEdit(settings.sip_domain, self)
        self.domain_edit.setObjectName("sipDomain")
        self.domain_edit.setPlaceholderText(self.tr("(the server's)"))
        self.domain_edit.setToolTip(
            self.tr("The domain in SIP addresses, e.g. 1022.example.gov.vn; host:port too.")
        )
        self.proxy_edit = QLineEdit(settings.sip_outbound_proxy, self)
        self.proxy_edit.setObjectName("sipOutboundProxy")
        self.proxy_edit.setPlaceholderText(self.tr("(none)"))
        self.proxy_edit.setToolTip(
            self.tr("host:port of the outbound proxy every request is sent to, if the PBX has one.")
        )
        self.ca_edit = QLineEdit(settings.sip_tls_ca_file, self)
        self.ca_edit.setObjectName("sipTlsCaFile")
        self.ca_edit.setPlaceholderText(self.tr("(the system's certificates)"))
        self.ca_button = QPushButton(self.tr("Choose…"), self)
        self.ca_button.setObjectName("sipTlsCaChoose")
        self.ca_button.clicked.connect(self.choose_ca_file)
        self.stun_edit = QLineEdit(settings.sip_stun_server, self)
        self.stun_edit.setObjectName("sipStunServer")
        self.stun_edit.setPlaceholderText(self.tr("(none)"))
        self.srtp_combo = QComboBox(self)
        self.srtp_combo.setObjectName("sipSrtp")
        for label, value in (
            (self.tr("When the switchboard offers it"), "offered"),
            (self.tr("Required (refuse unencrypted calls)"), "required"),
            (self.tr("Off"), "off"),
        ):
            self.srtp_combo.addItem(label, value)
        self.srtp_combo.setCurrentIndex(max(0, self.srtp_combo.findData(settings.sip_srtp)))
        self.srtp_combo.setToolTip(
            self.tr(
                "SRTP encrypts the call's audio with keys sent in the SIP messages: use it with TLS. "
                "Required: a call the switchboard offers without encryption is refused."
            )
        )
        self.transport_combo.currentIndexChanged.connect(self._on_transport_changed)
        self._on_transport_changed()
        self.local_port_spin = _spin(self, 0, 65535, int(settings.sip_local_port), "sipLocalPort")
        self.local_port_spin.setSpecialValueText(self.tr("any free port"))
        self.rtp_low_spin = _spin(self, 1024, 65535, int(settings.sip_rtp_port_low), "rtpLow")
        self.rtp_high_spin = _spin(self, 1024, 65535, int(settings.sip_rtp_port_high), "rtpHigh")
        self.record_check = QCheckBox(self.tr("Record calls to WAV files"), self)
        self.record_check.setObjectName("recordCalls")
        self.record_check.setChecked(bool(settings.phone_record_calls))
        self.keyring_label = QLabel(passwords.explain(), self)
        self.keyring_label.setObjectName("keyringStatus")
        self.keyring_label.setWordWrap(True)
        devices = devices or MediaDevices()
        outputs, inputs = devices.outputs(), devices.inputs()
        self.headset_out_combo = self._devices_combo("headsetOutput", outputs, settings.phone_audio_output)
        self.headset_in_combo = self._devices_combo("headsetInput", inputs, settings.phone_audio_input)
        self.ring_combo = self._devices_combo("ringDevice", outputs, settings.phone_ring_device)
        self.audio_label = QLabel(no_device_text(outputs, inputs, devices.problem()), self)
        self.audio_label.setObjectName("audioDevices")
        self.audio_label.setStyleSheet("color: #8a4b00;")
        self.audio_label.setWordWrap(True)
        self.audio_label.setVisible(bool(self.audio_label.text()))
        self._devices = devices
        self.ringer: Ringer | None = None
        self.ring_test_button = QPushButton(self.tr("Try the ringtone"), self)
        self.ring_test_button.setObjectName("tryRingtone")
        self.ring_test_button.setEnabled(bool(outputs))
        self.ring_test_button.clicked.connect(self.try_ringtone)
        self._ring_stop = QTimer(self)
        self._ring_stop.setSingleShot(True)
        self._ring_stop.setInterval(RING_TRY_MS)
        self._ring_stop.timeout.connect(self.stop_ringtone)
        ring_row = QHBoxLayout()
        ring_row.addWidget(self.ring_combo, 1)
        ring_row.addWidget(self.ring_test_button)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("testConnection")
        self.test_label = QLabel(self)
        self.test_label.setObjectName("testResult")
        self.test_label.setWordWrap(True)
        self.test_button.clicked.connect(self.test_connection)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("settingsError")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server_edit)
        form.addRow(self.tr("Port"), self.port_spin)
        form.addRow(self.tr("Transport"), self.transport_combo)
        form.addRow(self.tr("Domain"), self.domain_edit)
        form.addRow(self.tr("Outbound proxy"), self.proxy_edit)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        form.addRow(self.tr("TLS CA file"), ca_row)
        form.addRow(self.tr("STUN server"), self.stun_edit)
        form.addRow(self.tr("Call encryption (SRTP)"), self.srtp_combo)
        form.addRow(self.tr("Extension"), self.extension_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.tr("Local SIP port"), self.local_port_spin)
        form.addRow(self.tr("Audio ports from"), self.rtp_low_spin)
        form.addRow(self.tr("Audio ports to"), self.rtp_high_spin)
        form.addRow(self.record_check)
        form.addRow(self.tr("Headset (speaker)"), self.headset_out_combo)
        form.addRow(self.tr("Headset (microphone)"), self.headset_in_combo)
        form.addRow(self.tr("Ringing device"), ring_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons = buttons
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_label)
        layout.addWidget(self.audio_label)
        layout.addWidget(self.test_button)
        layout.addWidget(self.test_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _devices_combo(self, name: str, devices: list[SoundDevice], saved: str) -> QComboBox:
        """The devices Qt lists, the saved one selected (else the system's default); disabled when none."""
        combo = QComboBox(self)
        combo.setObjectName(name)
        if not devices:
            combo.addItem(self.tr("(no device found)"), saved)  # the saved choice is kept for later
            combo.setEnabled(False)
            return combo
        for device in devices:
            shown = device.description
            if device.is_default:
                shown = self.tr("%1 (system default)").replace("%1", device.description)
            combo.addItem(shown, device.id)
        chosen = choose(devices, saved)
        if chosen is not None:
            combo.setCurrentIndex(devices.index(chosen))
        return combo

    def _on_transport_changed(self) -> None:
        tls = self.transport_combo.currentData() == "tls"
        self.ca_edit.setEnabled(tls)
        self.ca_button.setEnabled(tls)

    def choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("The CA certificate of the PBX"),
            self.ca_edit.text(),
            self.tr("Certificates (*.pem *.crt)"),
        )
        if path:
            self.ca_edit.setText(path)

    def try_ringtone(self) -> bool:
        """Rings once on the device chosen in the list, so the operator hears where the desk will ring."""
        self.stop_ringtone()
        chosen = replace(self._settings, phone_ring_device=str(self.ring_combo.currentData() or ""))
        self.ringer = Ringer(chosen, self._devices, parent=self)
        audible = self.ringer.ring()
        self._ring_stop.start()
        return audible

    def stop_ringtone(self) -> None:
        if self.ringer is not None:
            self.ringer.stop()
            self.ringer.deleteLater()
            self.ringer = None

    def done(self, result: int) -> None:
        self.stop_ringtone()
        super().done(result)

    def _edited(self) -> tuple[Settings, str | None]:
        edited = replace(
            self._settings,
            sip_server=self.server_edit.text().strip(),
            sip_port=self.port_spin.value(),
            sip_extension=self.extension_edit.text().strip(),
            sip_transport=str(self.transport_combo.currentData() or "udp"),
            sip_domain=self.domain_edit.text().strip(),
            sip_outbound_proxy=self.proxy_edit.text().strip(),
            sip_tls_ca_file=self.ca_edit.text().strip(),
            sip_stun_server=self.stun_edit.text().strip(),
            sip_srtp=str(self.srtp_combo.currentData() or "offered"),
            sip_local_port=self.local_port_spin.value(),
            sip_rtp_port_low=self.rtp_low_spin.value(),
            sip_rtp_port_high=self.rtp_high_spin.value(),
            phone_record_calls=self.record_check.isChecked(),
            phone_audio_output=str(self.headset_out_combo.currentData() or ""),
            phone_audio_input=str(self.headset_in_combo.currentData() or ""),
            phone_ring_device=str(self.ring_combo.currentData() or ""),
        )
        typed = self.password_edit.text()
        return edited, typed or self._saved_password(edited.sip_server, edited.sip_extension)

    def _on_saved_password_read(self, server: str, extension: str, found: object) -> None:
        password = found if isinstance(found, str) and found else None
        self._saved = (server, extension, password)
        if password:
            self.password_edit.setPlaceholderText(self.tr("(unchanged)"))

    def _saved_password(self, server: str, extension: str) -> str | None:
        """The password read at opening, when the account is still the one it was read for."""
        if self._saved is not None and self._saved[:2] == (server, extension):
            return self._saved[2]
        return None

    def _with_password(self, then: Callable[[Settings, str | None], None]) -> None:
        """`then(edited, password)`: the typed password, the one read at opening, or, for another account
        (the operator changed server or extension without typing one), the keyring's read on a worker."""
        edited, password = self._edited()
        if password or self._saved_password(edited.sip_server, edited.sip_extension) is not None:
            then(edited, password)
            return
        if not edited.sip_server or not edited.sip_extension:
            then(edited, None)
            return
        passwords, server, extension = self._passwords, edited.sip_server, edited.sip_extension
        self.buttons.setEnabled(False)

        def read(found: object) -> None:
            self.buttons.setEnabled(True)
            self._on_saved_password_read(server, extension, found)
            then(edited, found if isinstance(found, str) and found else None)

        self._runner.run(lambda: passwords.get(server, extension), read, lambda _error: read(None))

    def _problem(self, edited: Settings, password: str | None) -> str:
        if not edited.sip_server or not edited.sip_extension:
            return self.tr("Enter the server and the extension.")
        if edited.sip_rtp_port_low + 2 > edited.sip_rtp_port_high:
            return self.tr("The audio port range must hold at least two ports (from < to).")
        if not password:
            return self.tr("Enter the extension's password.")
        if (
            edited.sip_transport == "tls"
            and edited.sip_tls_ca_file
            and not Path(edited.sip_tls_ca_file).is_file()
        ):
            return self.tr("The CA certificate file does not exist: choose it again or leave it empty.")
        try:
            unbound_account(edited, password)
        except ValueError:
            return self.tr(
                "The outbound proxy or STUN server is not an address: write host:port, e.g. 10.0.0.5:5060."
            )
        return ""

    def test_connection(self) -> None:
        self._with_password(self._test_with)

    def _test_with(self, edited: Settings, password: str | None) -> None:
        problem = self._problem(edited, password)
        if problem:
            self.test_label.setText(problem)
            return
        assert password is not None
        self.error_label.clear()
        self.test_button.setEnabled(False)
        self.test_label.setText(self.tr("Testing…"))
        policy = self._policy
        self._runner.run(
            lambda: try_registration(edited, password, policy), self._on_tested, self._on_test_failed
        )

    def _on_tested(self, event: RegistrationChanged | None) -> None:
        self.test_button.setEnabled(True)
        self.test_button.setFocus()  # disabling it moved the focus to OK: the next Enter would save
        if event is None:
            self.test_label.setText(
                self.tr("No answer from the switchboard. Check the server address and port, and the network.")
            )
            return
        text, tip, _kind = describe(event, True)
        self.test_label.setText(f"{text}. {tip}")
        self.test_label.setProperty("registration", event.state.value)

    def _on_test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_button.setFocus()
        self.test_label.setText(
            self.tr("Could not test: %1. Check the server name and the local port.").replace("%1", str(error))
        )

    def on_buttons_accepted(self) -> None:
        self._with_password(self._save_with)

    def _save_with(self, edited: Settings, password: str | None) -> None:
        problem = self._problem(edited, password)
        if problem:
            self.error_label.setText(problem)
            return
        for name in (
            "sip_server",
            "sip_port",
            "sip_extension",
            "sip_transport",
            "sip_domain",
            "sip_outbound_proxy",
            "sip_tls_ca_file",
            "sip_stun_server",
            "sip_srtp",
            "sip_local_port",
            "sip_rtp_port_low",
            "sip_rtp_port_high",
            "phone_record_calls",
            "phone_audio_output",
            "phone_audio_input",
            "phone_ring_device",
        ):
            setattr(self._settings, name, getattr(edited, name))
        typed = self.password_edit.text()
        if not typed:
            self.session_password = password
            self.accept()
            return
        passwords, server, extension = self._passwords, edited.sip_server, edited.sip_extension
        self.buttons.setEnabled(False)  # the keyring is written on a worker (it may ask to be unlocked)

        def written(kept: object) -> None:
            self.buttons.setEnabled(True)
            self.session_password = None if kept is True else typed
            self.accept()

        self._runner.run(
            lambda: passwords.set(server, extension, typed), written, lambda _error: written(False)
        )
