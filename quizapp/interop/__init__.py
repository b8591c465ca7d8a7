"""Question sets to and from other tools' formats: Moodle XML, GIFT and IMS QTI 3.0.

Pure functions, no Flask and no database: exporters take a set document (see `document`)
and return bytes with a list of warnings; parsers take a file's bytes and return questions
in the bank's YAML shape, with what could not be imported listed by name.
"""

from quizapp.interop.common import Export, ImportFormatError, ImportResult
from quizapp.interop.gift import export_gift, parse_gift
from quizapp.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from quizapp.interop.qti import export_qti

EXPORTERS = {
    "moodle-xml": export_moodle_xml,
    "gift": export_gift,
    "qti": export_qti,
}
# For downloads: media type and file name ending of each format.
MEDIA = {
    "moodle-xml": ("application/xml", "-moodle.xml"),
    "gift": ("text/plain; charset=utf-8", ".gift.txt"),
    "qti": ("application/zip", "-qti3.zip"),
}
PARSERS = {"moodle-xml": parse_moodle_xml, "gift": parse_gift}

__all__ = [
    "EXPORTERS",
    "MEDIA",
    "PARSERS",
    "Export",
    "ImportFormatError",
    "ImportResult",
    "export_gift",
    "export_moodle_xml",
    "export_qti",
    "parse_gift",
    "parse_moodle_xml",
]
