/// One simulcast encoding of a video track, ordered by quality; raw values match LiveKit's `VideoQuality`.
///
/// A single-layer (non-simulcast) track, and every audio track, has the one layer `.high`.
public enum SimulcastLayer: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// LOW: rid `q` (quarter resolution), also `2`.
    case low = 0
    /// MEDIUM: rid `h` (half resolution), also `1`.
    case medium = 1
    /// HIGH: rid `f` (full resolution), also `0`.
    case high = 2

    /// Maps a publisher's `a=rid` value: `q`/`h`/`f`, or the `2`/`1`/`0` scheme LiveKit also accepts
    /// (`pkg/sfu/buffer/videolayerutils.go`). Unknown rids give `nil`.
    public init?(rid: String) {
        switch rid {
        case "q", "2": self = .low
        case "h", "1": self = .medium
        case "f", "0": self = .high
        default: return nil
        }
    }

    /// The rid LiveKit clients send for this layer (`q`, `h`, `f`).
    public var rid: String {
        switch self {
        case .low: "q"
        case .medium: "h"
        case .high: "f"
        }
    }

    /// Orders by quality.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The rid.
    public var description: String { rid }
}
