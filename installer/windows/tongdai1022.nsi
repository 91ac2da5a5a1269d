; The desk's Windows installer: a per-machine install of the PyInstaller folder (installer/tongdai1022.spec)
; with a Start-menu shortcut, an uninstaller that keeps users' data, and a silent mode for IT (/S).
;   makensis /DSOURCE_DIR=build\installer\dist\tongdai1022 /DVERSION=0.1.0 /DOUTFILE=dist\setup.exe tongdai1022.nsi
; Users' data (%LOCALAPPDATA%\tongdai1022, or --data-dir) is never inside $INSTDIR and nothing here
; touches it. Layout: installer/README.md.

Unicode true
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef SOURCE_DIR
  !error "pass /DSOURCE_DIR=<the PyInstaller folder holding tongdai1022.exe>"
!endif
!ifndef VERSION
  !error "pass /DVERSION=<the desk's version>"
!endif
!ifndef OUTFILE
  !define OUTFILE "tongdai1022-${VERSION}-setup.exe"
!endif

!define PRODUCT "Tổng đài 1022"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\tongdai1022"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Tong dai 1022"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${PRODUCT} ${VERSION}"

!define MUI_ICON "..\icons\tongdai1022.ico"
!define MUI_UNICON "..\icons\tongdai1022.ico"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION StartDeskAsTheSignedInUser
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

; Windows keeps a running .exe from being opened for writing: while any desk is open the program files
; cannot be replaced or removed, so say so (a silent run exits with an error code) instead of half-doing it.
!macro REFUSE_WHILE_OPEN ACTION
  IfFileExists "$INSTDIR\tongdai1022.exe" 0 not_installed  ; labels are local to the function
  ClearErrors
  FileOpen $0 "$INSTDIR\tongdai1022.exe" a
  IfErrors 0 not_open
    MessageBox MB_ICONSTOP "Tổng đài 1022 đang mở trên máy này nên chưa thể ${ACTION}. Hãy đóng mọi cửa sổ Tổng đài 1022 (kể cả của người dùng khác) rồi chạy lại." /SD IDOK
    SetErrorLevel 2
    Abort
  not_open:
  FileClose $0
  not_installed:
!macroend

; The setup runs elevated, often as IT's administrator account (UAC asked for its password): a desk
; started by it would run as that account, with that account's data folder and keyring, beside the
; operator's. The signed-in user's shell starts it as the operator, not elevated.
Function StartDeskAsTheSignedInUser
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\tongdai1022.exe"'
FunctionEnd

Function .onInit
  SetShellVarContext all  ; per machine: the Start menu of all users
  ${If} ${RunningX64}
    SetRegView 64
  ${Else}
    MessageBox MB_ICONSTOP "Tổng đài 1022 cần Windows 64-bit." /SD IDOK
    Abort
  ${EndIf}
  !insertmacro REFUSE_WHILE_OPEN "cài đặt hay cập nhật"
FunctionEnd

Section "Install"
  SetOutPath "$INSTDIR"
  ; a previous version's program files go first (an update replaces the folder whole)
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*.*"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\tongdai1022.exe" "" "$INSTDIR\tongdai1022.exe" 0
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Tổng đài 1022"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\tongdai1022.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
  !insertmacro REFUSE_WHILE_OPEN "gỡ bỏ"
FunctionEnd

Section "Uninstall"
  ; only what the installer put there: the program folder's own files, never the users' data
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\tongdai1022.exe"
  Delete "$INSTDIR\tongdai1022-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only when empty
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
