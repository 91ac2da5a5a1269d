"""The sync inside the desk: the Server menu, sign-in, status, conflicts and refused changes."""
