"""The Qt desktop: windows, dialogs, item models; the only package that imports widgets."""
