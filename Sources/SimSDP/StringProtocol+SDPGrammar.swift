/// Character-class checks for values we write into SDP, so our own input cannot produce text a peer misparses.
extension StringProtocol {
    /// Whether the text is an RFC 8866 §9 `token`: one or more of `!`, `#`…`'`, `*`, `+`, `-`, `.`, digits,
    /// upper-case letters and `^`…`~` (which covers lower-case letters, `_` and `|`).
    var isSDPToken: Bool {
        !isEmpty && utf8.allSatisfy { byte in
            switch byte {
            case 0x21, 0x23...0x27, 0x2A...0x2B, 0x2D...0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: true
            default: false
            }
        }
    }

    /// Whether the text is `count` ice-chars (RFC 8839 §5.4: `ALPHA / DIGIT / "+" / "/"`), `count` in `lengths`.
    func isICEChars(lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(utf8.count) && utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
    }
}
