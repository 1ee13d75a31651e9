/// Small tokenizing helpers shared by the line and attribute parsers. None of them trap on any input.
extension StringProtocol {
    /// The space-separated tokens of the text; runs of spaces count as one separator.
    var sdpTokens: [SubSequence] { split(separator: " ") }

    /// Splits at the first `separator`: the text before it, and the text after it (nil when absent).
    func sdpSplit(once separator: Character) -> (head: SubSequence, tail: SubSequence?) {
        guard let index = firstIndex(of: separator) else { return (self[...], nil) }
        return (self[..<index], self[self.index(after: index)...])
    }

    /// Whether the text is one or more ASCII digits (no sign, no spaces), as SDP's `integer` grammar wants.
    var isSDPDigits: Bool {
        !isEmpty && utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The text as an unsigned decimal number, or nil when it is not all digits or does not fit in `T`.
    func sdpNumber<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        isSDPDigits ? T(self, radix: 10) : nil
    }

    /// The text without leading and trailing spaces and tabs.
    var sdpTrimmed: SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
