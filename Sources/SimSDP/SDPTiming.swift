/// A time description: one `t=<start> <stop>` line and the `r=` lines that follow it (RFC 8866 §5.9–5.10).
///
/// WebRTC always sends `t=0 0` (an unbounded session) and no repeat lines.
public struct SDPTiming: Hashable, Sendable {
    /// The start time in NTP seconds; 0 means unbounded.
    public var start: UInt64
    /// The stop time in NTP seconds; 0 means unbounded.
    public var stop: UInt64
    /// The values of the `r=` lines after this `t=` line, kept verbatim.
    public var repeats: [String]

    /// Makes a time description; the default is the unbounded `t=0 0`.
    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }

    /// Parses the text after `t=`; nil unless it is two decimal numbers.
    init?(lineValue: String) {
        let fields = lineValue.sdpTokens
        guard fields.count == 2,
              let start = fields[0].sdpNumber(UInt64.self),
              let stop = fields[1].sdpNumber(UInt64.self)
        else { return nil }
        self.init(start: start, stop: stop)
    }

    /// The text after `t=`.
    public var lineValue: String { "\(start) \(stop)" }
}
