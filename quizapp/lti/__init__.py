"""LTI 1.3 Advantage, the tool's side: launches from an LMS, deep linking, grades sent back
(AGS) and rosters synced (NRPS). `integration.register` plugs it into the app."""
