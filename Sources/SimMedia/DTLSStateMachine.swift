import CSimOpenSSL
import CSimShims
import SimCore

/// DTLS 1.2 handshake for DTLS-SRTP (RFC 6347, RFC 5764) over OpenSSL memory BIOs. Does no I/O and reads
/// no clock: feed it datagrams, timer expiries and `now`, and run the actions it returns, in order.
///
/// One owner, one thread at a time (it owns an OpenSSL `SSL`, which is not thread-safe).
///
/// Retransmission: the machine arms `.armTimer(at: now + remaining)` from `DTLSv1_get_timeout` when it sends a
/// flight (1 s, doubling up to 60 s, RFC 6347 §4.2.4.1). OpenSSL measures that timer with its own wall clock;
/// when `timerFired(now:)` arrives and OpenSSL agrees the timer expired, OpenSSL retransmits (fresh record
/// sequence numbers). When the caller's clock runs ahead of the wall clock (a `ManualClock` in tests, a
/// scenario fast-forward), the machine replays its last flight byte for byte instead. A server that has
/// finished replays its last flight when the client retransmits handshake records at it (RFC 6347 §4.2.4),
/// so a lost final flight recovers either way.
public final class DTLSStateMachine {
    /// Something the owner must do, in order.
    public enum Action: Equatable, Sendable {
        /// Send these datagrams to the peer, in order.
        case sendDatagrams([[UInt8]])
        /// Call `timerFired(now:)` at this instant (replaces any earlier timer).
        case armTimer(at: SimInstant)
        /// The handshake finished and the peer's fingerprint matched: key SRTP with this material.
        case connected(SRTPKeyingMaterial, SRTPProtectionProfile)
        /// The association failed; the machine is inert from now on.
        case failed(DTLSError)
        /// Application data (e.g. SCTP for data channels) arrived on the established association.
        case applicationDataReceived([UInt8])
    }

    /// Where the handshake is.
    public enum State: Sendable, Equatable {
        /// Created; `start(now:)` not yet called.
        case idle
        /// Flights in progress.
        case handshaking
        /// Handshake done, fingerprint verified, keys exported.
        case connected
        /// Failed or closed; inert.
        case failed
    }

    /// Tunables, with documented defaults.
    public struct Configuration: Sendable, Equatable {
        /// The path MTU handed to OpenSSL (`DTLS_set_link_mtu`) and used to pack records into datagrams.
        /// Default 1200, what WebRTC stacks use for DTLS.
        public var mtu: Int
        /// Retransmissions of one flight before the handshake fails with `.handshakeTimeout`. Default 7
        /// (about 2 minutes with the 1 s doubling backoff capped at 60 s).
        public var maxRetransmissions: Int

        /// Creates a configuration.
        public init(mtu: Int = 1200, maxRetransmissions: Int = 7) {
            self.mtu = mtu
            self.maxRetransmissions = maxRetransmissions
        }
    }

    /// The label RFC 5764 §4.2 gives the TLS exporter for SRTP keys.
    static let exporterLabel = "EXTRACTOR-dtls_srtp"
    /// RFC 6347 §4.2.4.1: initial retransmission timer.
    static let initialRetransmitTimeout: Duration = .seconds(1)
    /// RFC 6347 §4.2.4.1: the timer doubles up to this.
    static let maxRetransmitTimeout: Duration = .seconds(60)

    /// This side's role.
    public let role: DTLSRole
    /// The fingerprint the peer's certificate must have (from its SDP).
    public let expectedRemoteFingerprint: DTLSFingerprint
    /// The current state.
    public private(set) var state: State = .idle

    private let configuration: Configuration
    private let certificate: DTLSCertificate  // keeps the key alive as long as the context uses it
    private let context: OpaquePointer  // SSL_CTX *
    private let ssl: OpaquePointer  // SSL *, owns both BIOs
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer

    private var lastFlight: [[UInt8]] = []
    private var timerDeadline: SimInstant?
    private var retransmitTimeout = DTLSStateMachine.initialRetransmitTimeout
    private var retransmissions = 0
    private var finalFlightReplays = 0

    /// Creates a machine; nothing is sent until `start(now:)`.
    /// - Parameters:
    ///   - role: client (sends the ClientHello) or server.
    ///   - certificate: this side's certificate (its fingerprint goes into our SDP).
    ///   - expectedRemoteFingerprint: the peer's `a=fingerprint:sha-256` value.
    ///   - profiles: SRTP profiles to offer/accept, most preferred first.
    ///   - configuration: MTU and retransmission limits.
    /// - Throws: `DTLSError.setupFailed` if OpenSSL cannot build the context.
    public init(
        role: DTLSRole,
        certificate: DTLSCertificate,
        expectedRemoteFingerprint: DTLSFingerprint,
        profiles: [SRTPProtectionProfile] = [.aeadAES128GCM, .aesCM128HMACSHA1_80],
        configuration: Configuration = Configuration()
    ) throws(DTLSError) {
        guard !profiles.isEmpty else { throw .setupFailed("no SRTP profiles") }
        ERR_clear_error()
        guard let context = SSL_CTX_new(DTLS_method()) else {
            throw .setupFailed(OpenSSLErrorQueue.drain(default: "SSL_CTX_new failed"))
        }
        let profileList = profiles.map(\.dtlsProfileName).joined(separator: ":")
        guard c_sim_openssl_dtls_ctx_configure(context, profileList) == 1,
            SSL_CTX_use_certificate(context, certificate.x509) == 1,
            SSL_CTX_use_PrivateKey(context, certificate.privateKey) == 1,
            SSL_CTX_check_private_key(context) == 1
        else {
            SSL_CTX_free(context)
            throw .setupFailed(OpenSSLErrorQueue.drain(default: "SSL_CTX configuration failed"))
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .setupFailed(OpenSSLErrorQueue.drain(default: "SSL_new failed"))
        }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw .setupFailed("BIO_new failed")
        }
        SSL_set_bio(ssl, readBIO, writeBIO)  // ssl now owns both BIOs
        guard c_sim_openssl_dtls_set_link_mtu(ssl, configuration.mtu) == 1 else {
            SSL_free(ssl)
            SSL_CTX_free(context)
            throw .setupFailed("MTU \(configuration.mtu) rejected by OpenSSL")
        }
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        self.role = role
        self.certificate = certificate
        self.expectedRemoteFingerprint = expectedRemoteFingerprint
        self.configuration = configuration
        self.context = context
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
    }

    deinit {
        SSL_free(ssl)  // frees the BIOs too
        SSL_CTX_free(context)
    }

    /// Starts the handshake: a client sends its ClientHello; a server waits for one.
    public func start(now: SimInstant) -> [Action] {
        guard state == .idle else { return [] }
        state = .handshaking
        return advance(now: now)
    }

    /// Handles one datagram from the peer (already demultiplexed as DTLS, RFC 7983 first byte 20…63).
    /// Any bytes are accepted: malformed records are dropped by OpenSSL or end the association with `.failed`.
    public func datagramReceived(_ bytes: [UInt8], now: SimInstant) -> [Action] {
        if state == .idle && role == .server { state = .handshaking }
        guard state == .handshaking || state == .connected, !bytes.isEmpty, bytes.count <= 65_535 else { return [] }
        let wasConnected = state == .connected
        let written = bytes.withUnsafeBytes { BIO_write(readBIO, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else { return [] }
        var actions = advance(now: now)
        // RFC 6347 §4.2.4: a finished server that sees the client's last flight again lost its own final
        // flight; resend it (OpenSSL does so itself only for a Finished with a fresh record sequence).
        if wasConnected, role == .server, state == .connected, DTLSRecordPacker.startsWithHandshake(bytes),
            !actions.contains(where: \.isSend), !lastFlight.isEmpty,
            finalFlightReplays < configuration.maxRetransmissions
        {
            finalFlightReplays += 1
            actions.insert(.sendDatagrams(lastFlight), at: 0)
        }
        return actions
    }

    /// Handles the timer armed by `.armTimer`: retransmits the outstanding flight if it is due.
    public func timerFired(now: SimInstant) -> [Action] {
        guard state == .handshaking, let deadline = timerDeadline, now >= deadline else { return [] }
        retransmissions += 1
        if retransmissions > configuration.maxRetransmissions { return fail(.handshakeTimeout) }
        ERR_clear_error()
        let handled = c_sim_openssl_dtls_handle_timeout(ssl)
        if handled < 0 { return fail(.handshakeTimeout) }
        var datagrams = drainOutput()
        if handled == 1, !datagrams.isEmpty {
            lastFlight = datagrams
        } else {
            // OpenSSL's wall clock says not yet: the caller's clock runs ahead. Replay the flight as sent.
            datagrams = lastFlight
        }
        retransmitTimeout = min(retransmitTimeout * 2, Self.maxRetransmitTimeout)
        let next = now + retransmitTimeout
        timerDeadline = next
        var actions: [Action] = []
        if !datagrams.isEmpty { actions.append(.sendDatagrams(datagrams)) }
        actions.append(.armTimer(at: next))
        return actions
    }

    /// Encrypts application data (e.g. SCTP) for the established association.
    public func sendApplicationData(_ bytes: [UInt8], now: SimInstant) -> [Action] {
        guard state == .connected, !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return [] }
        ERR_clear_error()
        let result = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        guard result > 0 else {
            return fail(.connectionFailed(OpenSSLErrorQueue.drain(default: "SSL_write failed")))
        }
        let datagrams = drainOutput()
        return datagrams.isEmpty ? [] : [.sendDatagrams(datagrams)]
    }

    /// Sends `close_notify` and goes inert.
    public func close(now: SimInstant) -> [Action] {
        guard state == .handshaking || state == .connected else { return [] }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        _ = OpenSSLErrorQueue.drain(default: "")
        state = .failed
        timerDeadline = nil
        let datagrams = drainOutput()
        return datagrams.isEmpty ? [] : [.sendDatagrams(datagrams)]
    }

    // MARK: - Driving OpenSSL

    private func advance(now: SimInstant) -> [Action] {
        ERR_clear_error()
        if state == .handshaking {
            let result = SSL_do_handshake(ssl)
            if result == 1 { return handshakeCompleted(now: now) }
            let error = SSL_get_error(ssl, result)
            var actions: [Action] = []
            let datagrams = drainOutput()
            if !datagrams.isEmpty { actions.append(.sendDatagrams(datagrams)) }
            guard error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE else {
                return actions + fail(.handshakeFailed(OpenSSLErrorQueue.drain(default: "SSL error \(error)")))
            }
            if !datagrams.isEmpty {
                // A new flight: reset the backoff and arm from OpenSSL's timer.
                lastFlight = datagrams
                retransmissions = 0
                retransmitTimeout = Self.initialRetransmitTimeout
                var remainingMicroseconds: Int64 = 0
                let remaining: Duration =
                    c_sim_openssl_dtls_get_timeout(ssl, &remainingMicroseconds) == 1
                    ? .microseconds(remainingMicroseconds) : retransmitTimeout
                let deadline = now + remaining
                timerDeadline = deadline
                actions.append(.armTimer(at: deadline))
            }
            return actions
        }
        return readApplicationData()
    }

    private func handshakeCompleted(now: SimInstant) -> [Action] {
        timerDeadline = nil
        var actions: [Action] = []
        let datagrams = drainOutput()
        if !datagrams.isEmpty {
            lastFlight = datagrams
            actions.append(.sendDatagrams(datagrams))
        }
        guard let peer = SSL_get1_peer_certificate(ssl) else { return actions + failClosing(.missingPeerCertificate) }
        let actual = DTLSCertificate.sha256Fingerprint(of: peer)
        X509_free(peer)
        guard let actual else { return actions + failClosing(.missingPeerCertificate) }
        guard actual == expectedRemoteFingerprint else {
            return actions + failClosing(.fingerprintMismatch(expected: expectedRemoteFingerprint, actual: actual))
        }
        let profileID = c_sim_openssl_selected_srtp_profile(ssl)
        guard let profile = SRTPProtectionProfile(dtlsProfileID: profileID) else {
            return actions + failClosing(.noSRTPProfileNegotiated)
        }
        var material = [UInt8](repeating: 0, count: profile.keyingMaterialLength)
        let label = Array(Self.exporterLabel.utf8)
        let exported = SSL_export_keying_material(ssl, &material, material.count, label, label.count, nil, 0, 0)
        guard exported == 1,
            let keying = try? SRTPKeyingMaterial(exporterOutput: material, profile: profile, role: role)
        else { return actions + failClosing(.keyExportFailed) }
        state = .connected
        actions.append(.connected(keying, profile))
        // Records that arrived in the same datagram as the last handshake message.
        return actions + readApplicationData()
    }

    private func readApplicationData() -> [Action] {
        var actions: [Action] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while state == .connected {
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                actions.append(.applicationDataReceived(Array(buffer[0..<Int(count)])))
                continue
            }
            let error = SSL_get_error(ssl, count)
            let datagrams = drainOutput()
            if !datagrams.isEmpty { actions.append(.sendDatagrams(datagrams)) }
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return actions
            case SSL_ERROR_ZERO_RETURN:
                return actions + fail(.closedByPeer)
            default:
                return actions + fail(.connectionFailed(OpenSSLErrorQueue.drain(default: "SSL error \(error)")))
            }
        }
        return actions
    }

    /// Everything OpenSSL wrote since the last call, packed into datagrams.
    private func drainOutput() -> [[UInt8]] {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return [] }
        var stream = [UInt8](repeating: 0, count: pending)
        let read = stream.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress, Int32($0.count)) }
        guard read > 0 else { return [] }
        return DTLSRecordPacker.datagrams(from: Array(stream.prefix(Int(read))), mtu: configuration.mtu)
    }

    private func fail(_ error: DTLSError) -> [Action] {
        state = .failed
        timerDeadline = nil
        _ = OpenSSLErrorQueue.drain(default: "")
        return [.failed(error)]
    }

    /// Fails after telling the peer with `close_notify`.
    private func failClosing(_ error: DTLSError) -> [Action] {
        _ = SSL_shutdown(ssl)
        let datagrams = drainOutput()
        return (datagrams.isEmpty ? [] : [.sendDatagrams(datagrams)]) + fail(error)
    }
}

extension DTLSStateMachine.Action {
    /// Whether this is `.sendDatagrams`.
    var isSend: Bool {
        if case .sendDatagrams = self { return true }
        return false
    }
}
