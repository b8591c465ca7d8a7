"""IMS QTI 3.0: an assessment test with one item per question, zipped as a content package."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from typing import Any

from quizapp.builder.sentences import paragraphs_of
from quizapp.interop.common import Export, decimal_text, items, weights
from quizapp.question_types.exported import Item, Shape

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/"
ASI_LOCATION = f"{NS} {XSD}imsqti_asiv3p0_v1p0.xsd"
CP_LOCATION = f"{CP_NS} {XSD}imsqtiv3p0_imscpv1p2_v1p0.xsd"


def export_qti(document: dict[str, Any]) -> Export:
    """A QTI 3.0 content package: imsmanifest.xml, the test, and items/<id>.xml."""
    warnings: list[str] = []
    files: dict[str, bytes] = {}
    refs = []
    for item in items(document, warnings):
        ident = identifier(item.id)
        href = f"items/{ident}.xml"
        files[href] = _xml(_item(item, ident), ASI_LOCATION)
        refs.append((ident, href))
    test_id = identifier(document["slug"])
    files["assessment.xml"] = _xml(_test(document, test_id, refs), ASI_LOCATION)
    manifest = _manifest(test_id, refs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _xml(manifest, CP_LOCATION))
        for name, data in files.items():
            archive.writestr(name, data)
    return Export(buffer.getvalue(), warnings)


def identifier(value: str) -> str:
    """A QTI identifier (an XML name without colons) made from our id."""
    clean = re.sub(r"[^A-Za-z0-9_.-]", "_", value)
    return clean if re.match(r"[A-Za-z_]", clean) else f"Q_{clean}"


def _xml(root: ET.Element, location: str) -> bytes:
    root.set("xmlns:xsi", XSI)
    root.set("xsi:schemaLocation", location)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    attributes = {k.replace("_", "-"): v for k, v in attrs.items()}
    element = (
        ET.Element(tag, attributes) if parent is None else ET.SubElement(parent, tag, attributes)
    )
    if text is not None:
        element.text = text
    return element


def _paragraphs(parent: ET.Element, text: str) -> None:
    for paragraph in paragraphs_of(text):
        _el(parent, "p", paragraph)


def _item(item: Item, ident: str) -> ET.Element:
    root = _el(
        None,
        "qti-assessment-item",
        xmlns=NS,
        identifier=ident,
        title=item.id,
        adaptive="false",
        time_dependent="false",
    )
    root.set("xml:lang", "en")
    body_builder, mapping = _interaction(item)
    declaration = _el(root, "qti-response-declaration", identifier="RESPONSE", **mapping["decl"])
    correct = _el(declaration, "qti-correct-response")
    for value in mapping["correct"]:
        _el(correct, "qti-value", value)
    table = _el(declaration, "qti-mapping", default_value="0", lower_bound="0", upper_bound="1")
    for key, value in mapping["map"]:
        _el(table, "qti-map-entry", map_key=key, mapped_value=decimal_text(value))
    for name, base, default in (("SCORE", "float", "0"), ("MAXSCORE", "float", "1")):
        outcome = _el(
            root, "qti-outcome-declaration", identifier=name, cardinality="single", base_type=base
        )
        _el(_el(outcome, "qti-default-value"), "qti-value", default)
    _el(
        root,
        "qti-outcome-declaration",
        identifier="FEEDBACK",
        cardinality="single",
        base_type="identifier",
    )
    body_builder(_el(root, "qti-item-body"))
    _processing(root, bool(item.feedback))
    if item.feedback:
        feedback = _el(
            root,
            "qti-modal-feedback",
            outcome_identifier="FEEDBACK",
            identifier="EXPLANATION",
            show_hide="show",
            title="Explanation",
        )
        _paragraphs(_el(feedback, "qti-content-body"), item.feedback)
    return root


def _interaction(item: Item):
    """The item body's builder, and the response's declaration, correct values and mapping."""
    if item.shape is Shape.WORDS:
        return _hottext(item)
    if item.shape is Shape.PAIRS:
        lefts = [(f"I{i}", text) for i, (text, _) in enumerate(item.pairs, 1)]
        options = [right for _, right in item.pairs] + item.distractors
        rights = [(f"O{i}", text) for i, text in enumerate(options, 1)]
        correct = [f"I{i} O{i}" for i in range(1, len(item.pairs) + 1)]

        def body(parent: ET.Element) -> None:
            interaction = _el(
                parent,
                "qti-match-interaction",
                response_identifier="RESPONSE",
                max_associations=str(len(lefts)),
                shuffle="true",
            )
            _paragraphs(_el(interaction, "qti-prompt"), item.prompt)
            for side in (lefts, rights):
                match_set = _el(interaction, "qti-simple-match-set")
                for ident, text in side:
                    _el(
                        match_set,
                        "qti-simple-associable-choice",
                        text,
                        identifier=ident,
                        match_max="1",
                    )

        shares = weights([True] * len(correct))
        return body, {
            "decl": {"cardinality": "multiple", "base_type": "directedPair"},
            "correct": correct,
            "map": [(pair, share / 100) for pair, share in zip(correct, shares, strict=True)],
        }
    if item.shape is Shape.TRUE_FALSE:
        choices = [("TRUE", "True", item.true), ("FALSE", "False", not item.true)]
    else:
        choices = [(f"C{i}", text, right) for i, (text, right) in enumerate(item.choices, 1)]
    single = item.shape is not Shape.ANSWERS
    rights = [right for *_, right in choices]
    shares = [Decimal(100 * right) for right in rights] if single else weights(rights)

    def body(parent: ET.Element) -> None:
        interaction = _el(
            parent,
            "qti-choice-interaction",
            response_identifier="RESPONSE",
            max_choices="1" if single else "0",
            shuffle="false",
        )
        _paragraphs(_el(interaction, "qti-prompt"), item.prompt)
        for ident, text, _ in choices:
            _el(interaction, "qti-simple-choice", text, identifier=ident)

    return body, {
        "decl": {"cardinality": "single" if single else "multiple", "base_type": "identifier"},
        "correct": [ident for ident, _, right in choices if right],
        "map": [(ident, share / 100) for (ident, *_), share in zip(choices, shares, strict=True)],
    }


def _hottext(item: Item):
    """Words to select in a passage, as QTI's hottext interaction: the passage with each word a
    hottext, graded by the select-all rule as a multiple-answer question is."""
    idents = [f"W{i}" for i in range(1, len(item.choices) + 1)]
    rights = [right for _, right in item.choices]

    def body(parent: ET.Element) -> None:
        interaction = _el(
            parent, "qti-hottext-interaction", response_identifier="RESPONSE", max_choices="0"
        )
        _paragraphs(_el(interaction, "qti-prompt"), item.prompt)
        for segments in item.passage:
            paragraph = _el(interaction, "p")
            last: ET.Element | None = None
            for text, index in segments:
                if index is not None:
                    last = _el(paragraph, "qti-hottext", text, identifier=idents[index])
                elif last is None:
                    paragraph.text = (paragraph.text or "") + text
                else:
                    last.tail = (last.tail or "") + text

    return body, {
        "decl": {"cardinality": "multiple", "base_type": "identifier"},
        "correct": [ident for ident, right in zip(idents, rights, strict=True) if right],
        "map": [(ident, share / 100) for ident, share in zip(idents, weights(rights), strict=True)],
    }


def _processing(root: ET.Element, feedback: bool) -> None:
    """SCORE is the mapped response (0 when unanswered); the explanation is always shown."""
    processing = _el(root, "qti-response-processing")
    condition = _el(processing, "qti-response-condition")
    when_null = _el(condition, "qti-response-if")
    _el(_el(when_null, "qti-is-null"), "qti-variable", identifier="RESPONSE")
    _el(
        _el(when_null, "qti-set-outcome-value", identifier="SCORE"),
        "qti-base-value",
        "0",
        base_type="float",
    )
    otherwise = _el(condition, "qti-response-else")
    _el(
        _el(otherwise, "qti-set-outcome-value", identifier="SCORE"),
        "qti-map-response",
        identifier="RESPONSE",
    )
    if feedback:
        _el(
            _el(processing, "qti-set-outcome-value", identifier="FEEDBACK"),
            "qti-base-value",
            "EXPLANATION",
            base_type="identifier",
        )


def _test(document: dict[str, Any], test_id: str, refs: list[tuple[str, str]]) -> ET.Element:
    root = _el(None, "qti-assessment-test", xmlns=NS, identifier=test_id, title=document["title"])
    part = _el(
        root,
        "qti-test-part",
        identifier="PART_1",
        navigation_mode="nonlinear",
        submission_mode="simultaneous",
    )
    section = _el(
        part,
        "qti-assessment-section",
        identifier="SECTION_1",
        title=document["title"],
        visible="true",
    )
    for ident, href in refs:
        _el(section, "qti-assessment-item-ref", identifier=ident, href=href)
    return root


def _manifest(test_id: str, refs: list[tuple[str, str]]) -> ET.Element:
    root = _el(None, "manifest", xmlns=CP_NS, identifier=f"MANIFEST_{test_id}")
    metadata = _el(root, "metadata")
    _el(metadata, "schema", "QTI Package")
    _el(metadata, "schemaversion", "3.0.0")
    _el(root, "organizations")
    resources = _el(root, "resources")
    test = _el(
        resources,
        "resource",
        identifier=f"TEST_{test_id}",
        type="imsqti_test_xmlv3p0",
        href="assessment.xml",
    )
    _el(test, "file", href="assessment.xml")
    for ident, _ in refs:
        _el(test, "dependency", identifierref=f"ITEM_{ident}")
    for ident, href in refs:
        resource = _el(
            resources, "resource", identifier=f"ITEM_{ident}", type="imsqti_item_xmlv3p0", href=href
        )
        _el(resource, "file", href=href)
    return root
