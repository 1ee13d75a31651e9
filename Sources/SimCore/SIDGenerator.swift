/// Mints SIDs in LiveKit's format: a prefix and 12 characters of the shortuuid base57 alphabet.
public struct SIDGenerator: Sendable {
    /// The base57 alphabet LiveKit's `guid` package uses (no 0, 1, I, O, l).
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
    /// Number of random characters after the prefix.
    public static let randomLength = 12

    private var random: SeededRandom

    /// A generator whose output is fixed by `seed`.
    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// `prefix` followed by 12 random base57 characters.
    public mutating func make(prefix: String) -> String {
        var out = prefix
        out.reserveCapacity(prefix.count + Self.randomLength)
        for _ in 0..<Self.randomLength {
            out.append(Self.alphabet[Int(random.next(upperBound: UInt64(Self.alphabet.count)))])
        }
        return out
    }

    /// A new `RM_` room SID.
    public mutating func roomSID() -> RoomSID { RoomSID(make(prefix: "RM_")) }
    /// A new `PA_` participant SID.
    public mutating func participantSID() -> ParticipantSID { ParticipantSID(make(prefix: "PA_")) }
    /// A new track SID: `TR_` + `A`/`V` + source letter (`C` camera, `M` microphone, `S` screen, `s` screen audio).
    public mutating func trackSID(kindLetter: Character, sourceLetter: Character?) -> TrackSID {
        var prefix = "TR_"
        prefix.append(kindLetter)
        if let sourceLetter { prefix.append(sourceLetter) }
        return TrackSID(make(prefix: prefix))
    }
    /// 32 random bits, for offer ids and similar.
    public mutating func nextUInt32() -> UInt32 { UInt32(truncatingIfNeeded: random.next()) }
}
