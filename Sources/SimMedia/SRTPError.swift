/// An error from SRTP keying or from protecting/unprotecting a packet.
public enum SRTPError: Error, Sendable, Equatable {
    /// The packet's authentication tag did not verify (tampered, wrong key, or not SRTP).
    case authenticationFailed
    /// The packet's index was already seen or is older than the replay window (RFC 3711 §3.3.2).
    case replayed
    /// The packet is too short or its header (CSRC list, extension) runs past its end.
    case badLength
    /// The keying material has the wrong length for the profile.
    case invalidKeyingMaterial(expected: Int, actual: Int)
    /// libsrtp returned another `srtp_err_status_t`.
    case library(status: Int32)
    /// libcrypto refused a cipher or MAC operation (`SRTPPacketProtector`).
    case cipherFailed
}
