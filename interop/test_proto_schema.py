"""Cross-checks sfusim's own LiveKit .proto subset (proto/*.proto) against LiveKit's published schema.

Our protos are written by hand from the reference, so a wrong field number or type would silently break
wire compatibility. This test compiles them with `protoc` into a descriptor set and compares every
message (nested ones included) and every enum with the descriptors shipped in the `livekit-protocol`
PyPI package: each of our fields must exist there under the same name with the same number, type,
label, proto3-optional flag, oneof and message/enum type name; each enum value must have the same
number. Fields LiveKit has and we omit are fine (SwiftProtobuf keeps them as unknown fields).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool

# Importing these registers LiveKit's descriptors (livekit_models/rtc/room.proto) in the default pool.
from livekit.protocol import agent, agent_dispatch, models, room, rtc  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
PROTO_DIR = REPO / "proto"
PROTO_FILES = ["livekit_models.proto", "livekit_rtc.proto", "livekit_room.proto", "livekit_agent.proto", "livekit_agent_dispatch.proto"]
PACKAGE = "livekit"

FDP = descriptor_pb2.FieldDescriptorProto


def _compile(tmp_path: Path) -> descriptor_pb2.FileDescriptorSet:
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.fail("protoc not found on PATH (Debian package protobuf-compiler)")
    out = tmp_path / "sfusim.desc"
    subprocess.run(
        [protoc, f"-I{PROTO_DIR}", "--include_imports", f"--descriptor_set_out={out}", *PROTO_FILES],
        cwd=PROTO_DIR,
        check=True,
    )
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(out.read_bytes())
    return fds


def _theirs_message(full_name: str) -> descriptor_pb2.DescriptorProto | None:
    try:
        desc = descriptor_pool.Default().FindMessageTypeByName(full_name)
    except KeyError:
        return None
    proto = descriptor_pb2.DescriptorProto()
    desc.CopyToProto(proto)
    return proto


def _theirs_enum(full_name: str) -> descriptor_pb2.EnumDescriptorProto | None:
    try:
        desc = descriptor_pool.Default().FindEnumTypeByName(full_name)
    except KeyError:
        return None
    proto = descriptor_pb2.EnumDescriptorProto()
    desc.CopyToProto(proto)
    return proto


def _oneof_name(msg: descriptor_pb2.DescriptorProto, field: descriptor_pb2.FieldDescriptorProto) -> str | None:
    if not field.HasField("oneof_index") or field.proto3_optional:
        return None  # proto3 `optional` lives in a synthetic oneof; compared via proto3_optional
    return msg.oneof_decl[field.oneof_index].name


def _type_label(field: descriptor_pb2.FieldDescriptorProto) -> str:
    return f"{FDP.Label.Name(field.label)} {FDP.Type.Name(field.type)} {field.type_name}".strip()


def _compare_enum(full_name: str, ours: descriptor_pb2.EnumDescriptorProto, problems: list[str]) -> None:
    theirs = _theirs_enum(full_name)
    if theirs is None:
        problems.append(f"enum {full_name}: not in livekit-protocol")
        return
    their_values = {v.name: v.number for v in theirs.value}
    for value in ours.value:
        if value.name not in their_values:
            problems.append(f"enum {full_name}.{value.name}: no such value in livekit-protocol")
        elif their_values[value.name] != value.number:
            problems.append(
                f"enum {full_name}.{value.name}: number {value.number}, livekit-protocol has {their_values[value.name]}"
            )


def _compare_message(full_name: str, ours: descriptor_pb2.DescriptorProto, problems: list[str], counts: dict) -> None:
    counts["messages"] += 1
    theirs = _theirs_message(full_name)
    if theirs is None:
        problems.append(f"message {full_name}: not in livekit-protocol")
        return
    their_fields = {f.name: f for f in theirs.field}
    for field in ours.field:
        counts["fields"] += 1
        where = f"{full_name}.{field.name}"
        other = their_fields.get(field.name)
        if other is None:
            problems.append(f"field {where} (#{field.number}): no such field in livekit-protocol")
            continue
        if field.number != other.number:
            problems.append(f"field {where}: number {field.number}, livekit-protocol has {other.number}")
        if _type_label(field) != _type_label(other):
            problems.append(f"field {where}: '{_type_label(field)}', livekit-protocol has '{_type_label(other)}'")
        if field.proto3_optional != other.proto3_optional:
            problems.append(
                f"field {where}: proto3 optional={field.proto3_optional}, livekit-protocol has {other.proto3_optional}"
            )
        if _oneof_name(ours, field) != _oneof_name(theirs, other):
            problems.append(
                f"field {where}: oneof {_oneof_name(ours, field)!r}, livekit-protocol has {_oneof_name(theirs, other)!r}"
            )
    if ours.options.map_entry != theirs.options.map_entry:
        problems.append(f"message {full_name}: map_entry differs")
    for nested in ours.nested_type:
        _compare_message(f"{full_name}.{nested.name}", nested, problems, counts)
    for enum in ours.enum_type:
        counts["enums"] += 1
        _compare_enum(f"{full_name}.{enum.name}", enum, problems)


def test_our_protos_match_livekit_protocol(tmp_path: Path) -> None:
    fds = _compile(tmp_path)
    ours = [f for f in fds.file if f.name in PROTO_FILES]
    assert sorted(f.name for f in ours) == sorted(PROTO_FILES)

    problems: list[str] = []
    counts = {"messages": 0, "enums": 0, "fields": 0}
    for file in ours:
        if file.package != PACKAGE:
            problems.append(f"{file.name}: package {file.package!r}, expected {PACKAGE!r}")
        if file.syntax != "proto3":
            problems.append(f"{file.name}: syntax {file.syntax!r}, expected 'proto3'")
        for message in file.message_type:
            _compare_message(f"{PACKAGE}.{message.name}", message, problems, counts)
        for enum in file.enum_type:
            counts["enums"] += 1
            _compare_enum(f"{PACKAGE}.{enum.name}", enum, problems)

    print(f"checked {counts['messages']} messages, {counts['enums']} enums, {counts['fields']} fields")
    assert not problems, f"{len(problems)} schema mismatch(es) against livekit-protocol:\n" + "\n".join(problems)
    assert counts["messages"] > 0 and counts["fields"] > 0


def test_signal_envelopes_cover_the_documented_oneof_members(tmp_path: Path) -> None:
    """SignalRequest/SignalResponse carry every member but the data-blob ones (not modelled)."""
    fds = _compile(tmp_path)
    rtc_file = next(f for f in fds.file if f.name == "livekit_rtc.proto")
    by_name = {m.name: m for m in rtc_file.message_type}
    expected = {
        "SignalRequest": set(range(1, 22)) - {9},
        "SignalResponse": set(range(1, 30)) - {7},
    }
    for name, numbers in expected.items():
        ours = {f.number for f in by_name[name].field}
        assert ours == numbers, f"{name}: missing {sorted(numbers - ours)}, unexpected {sorted(ours - numbers)}"
