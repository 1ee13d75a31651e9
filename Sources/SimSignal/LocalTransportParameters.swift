import SimCore

/// The ICE credentials and DTLS fingerprint the server puts in its SDP for one PeerConnection: the real
/// transport's (from the media layer), or random well-formed values when no media layer is attached
/// (signalling-only engine tests) or a transport could not be created.
public struct LocalTransportParameters: Sendable, Equatable {
    /// `a=ice-ufrag` (RFC 8839: 4+ ice-chars).
    public var iceUfrag: String
    /// `a=ice-pwd` (22+ ice-chars).
    public var icePwd: String
    /// `a=fingerprint` hash function.
    public var fingerprintAlgorithm: String
    /// `a=fingerprint` value, colon-separated upper-case hex.
    public var fingerprint: String

    /// Parameters from a real transport (the media layer's ICE agent and DTLS certificate).
    public init(iceUfrag: String, icePwd: String, fingerprintAlgorithm: String = "sha-256", fingerprint: String) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprintAlgorithm = fingerprintAlgorithm
        self.fingerprint = fingerprint
    }

    /// Parameters drawn from `generator` (deterministic for a seed), for connections without a media transport.
    public init(generator: inout SIDGenerator) {
        iceUfrag = String(generator.make(prefix: "").prefix(8))
        icePwd = generator.make(prefix: "") + generator.make(prefix: "")
        fingerprintAlgorithm = "sha-256"
        var bytes: [String] = []
        for _ in 0..<8 {
            let word = generator.nextUInt32()
            for shift in stride(from: 24, through: 0, by: -8) {
                let byte = UInt8(truncatingIfNeeded: word >> UInt32(shift))
                bytes.append(String(byte, radix: 16, uppercase: true).leftPadded(to: 2))
            }
        }
        fingerprint = bytes.joined(separator: ":")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
