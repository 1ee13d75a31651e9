/// An `ice-candidate` payload, `RTCIceCandidateInit` shaped (reference §2: `candidate`, `sdpMid`, `sdpMLineIndex`,
/// optional `usernameFragment`).
public struct DecartICECandidate: Sendable, Equatable {
    /// The `candidate:` attribute line (empty = end of candidates for that m-line, as some browsers send).
    public var candidate: String
    /// `sdpMid`.
    public var sdpMid: String?
    /// `sdpMLineIndex`.
    public var sdpMLineIndex: Int?
    /// `usernameFragment` (JS only).
    public var usernameFragment: String?

    /// A candidate.
    public init(candidate: String, sdpMid: String?, sdpMLineIndex: Int?, usernameFragment: String? = nil) {
        self.candidate = candidate
        self.sdpMid = sdpMid
        self.sdpMLineIndex = sdpMLineIndex
        self.usernameFragment = usernameFragment
    }
}
