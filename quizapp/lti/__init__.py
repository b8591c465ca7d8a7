"""LTI 1.3 Advantage, the tool's side: launches from an LMS, deep linking, grades sent back
(AGS) and rosters synced (NRPS). `register` in setup.py plugs it into the app."""
