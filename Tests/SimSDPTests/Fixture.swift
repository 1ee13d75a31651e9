import Foundation
import SimSDP
import Testing

/// The SDP fixtures in `Fixtures/` (copied into the test bundle).
enum Fixture: String, CaseIterable, CustomTestStringConvertible {
    /// The offer the real LiveKit Python client 1.2.1 put in its v1 join request (captured).
    case pythonOffer = "livekit-python-1.2.1-v1-publisher-offer"
    /// A Chrome-shaped LiveKit JS publisher offer: data channels first, opus+RED, VP8 simulcast q/h/f.
    case chromeOffer = "chrome-publisher-offer"
    /// A Firefox-shaped publisher offer: session-level fingerprint, sorted attributes, ssrc lines, simulcast.
    case firefoxOffer = "firefox-publisher-offer"
    /// A Safari-shaped publisher offer: H.264 first, H.265 offered, single-layer video with an RTX FID group.
    case safariOffer = "safari-publisher-offer"
    /// A Chrome-shaped answer to a dual-PC server's subscriber offer (data + recvonly audio + recvonly video).
    case dualPCAnswer = "chrome-dualpc-subscriber-answer"

    /// The fixture's exact text.
    func text() throws -> String {
        let url = try #require(Bundle.module.url(forResource: rawValue, withExtension: "sdp", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The fixture, parsed.
    func parsed() throws -> SessionDescription {
        try SessionDescription.parse(text())
    }

    /// The file name, for test output.
    var testDescription: String { rawValue }
}
