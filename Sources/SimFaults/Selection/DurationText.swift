/// Durations as scenario files write them: a decimal number and a unit, `ms` or `s` (`500ms`, `2s`, `1.5s`).
public enum DurationText {
    /// Parses `text`; nil unless it is digits (with an optional fraction) followed directly by `ms` or `s`.
    public static func parse(_ text: String) -> Duration? {
        let unitScale: Int64
        let number: Substring
        if text.hasSuffix("ms") {
            unitScale = 1_000_000
            number = text.dropLast(2)
        } else if text.hasSuffix("s") {
            unitScale = 1_000_000_000
            number = text.dropLast(1)
        } else {
            return nil
        }
        let pieces = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        var fraction: Substring = ""
        if pieces.count == 2 {
            fraction = pieces[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        // Whole units, then the fraction digit by digit, all in integer nanoseconds (no rounding drift).
        guard whole.count <= 9, let wholeValue = Int64(whole) else { return nil }
        var nanoseconds = wholeValue * unitScale
        var scale = unitScale
        for digit in fraction {
            scale /= 10
            guard scale > 0 else { break }
            nanoseconds += Int64(digit.wholeNumberValue ?? 0) * scale
        }
        return .nanoseconds(nanoseconds)
    }

    /// `1500ms` → `1.5s`; whole milliseconds print as `Nms` below a second, fractions of a millisecond as `N.NNNms`.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.nanosecondsClamped
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds >= 1_000_000_000, nanoseconds % 1_000_000 == 0 {
            var text = String(Double(nanoseconds / 1_000_000) / 1000)
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text + "s"
        }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        return "\(Double(nanoseconds) / 1_000_000)ms"
    }
}

extension Character {
    /// `0`…`9` only (no other Unicode digits).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
