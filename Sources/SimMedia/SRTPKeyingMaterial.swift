/// SRTP master keys and salts for both directions, split from the DTLS exporter output by DTLS role.
///
/// RFC 5764 §4.2: the `EXTRACTOR-dtls_srtp` output is
/// `client_write_key | server_write_key | client_write_salt | server_write_salt`.
/// The DTLS client protects with the client key and salt; the server with the server's.
public struct SRTPKeyingMaterial: Sendable, Equatable {
    /// The negotiated profile the lengths belong to.
    public var profile: SRTPProtectionProfile
    /// The master key this side protects outgoing packets with.
    public var localKey: [UInt8]
    /// The master salt this side protects outgoing packets with.
    public var localSalt: [UInt8]
    /// The master key the peer protects its packets with (this side unprotects with it).
    public var remoteKey: [UInt8]
    /// The master salt the peer protects its packets with.
    public var remoteSalt: [UInt8]

    /// Splits the exporter output for `role`.
    /// - Throws: `SRTPError.invalidKeyingMaterial` unless `exporterOutput` is exactly
    ///   `profile.keyingMaterialLength` bytes.
    public init(exporterOutput: [UInt8], profile: SRTPProtectionProfile, role: DTLSRole) throws(SRTPError) {
        guard exporterOutput.count == profile.keyingMaterialLength else {
            throw .invalidKeyingMaterial(expected: profile.keyingMaterialLength, actual: exporterOutput.count)
        }
        let k = profile.keyLength
        let s = profile.saltLength
        let clientKey = Array(exporterOutput[0..<k])
        let serverKey = Array(exporterOutput[k..<2 * k])
        let clientSalt = Array(exporterOutput[2 * k..<2 * k + s])
        let serverSalt = Array(exporterOutput[2 * k + s..<2 * k + 2 * s])
        self.profile = profile
        switch role {
        case .client:
            (localKey, localSalt, remoteKey, remoteSalt) = (clientKey, clientSalt, serverKey, serverSalt)
        case .server:
            (localKey, localSalt, remoteKey, remoteSalt) = (serverKey, serverSalt, clientKey, clientSalt)
        }
    }

    /// Local key followed by local salt: libsrtp's master key layout for the outbound context.
    public var localMasterKey: [UInt8] { localKey + localSalt }

    /// Remote key followed by remote salt: the master key for the inbound context.
    public var remoteMasterKey: [UInt8] { remoteKey + remoteSalt }
}
