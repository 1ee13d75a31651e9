import SimCore
import Testing

@testable import SimMedia

/// One side of a back-to-back DTLS test: the machine plus what its actions told us.
private final class Peer {
    let name: String
    let machine: DTLSStateMachine
    var keying: SRTPKeyingMaterial?
    var profile: SRTPProtectionProfile?
    var failure: DTLSError?
    var timer: SimInstant?
    var applicationData: [[UInt8]] = []
    var sentFlights = 0

    init(_ name: String, _ machine: DTLSStateMachine) {
        self.name = name
        self.machine = machine
    }
}

/// Two machines wired through an in-memory network that can drop datagrams.
private final class Link {
    let client: Peer
    let server: Peer
    let clock = ManualClock()
    /// Datagrams in flight: (destination is server, bytes).
    var inFlight: [(toServer: Bool, bytes: [UInt8])] = []
    /// Returns true to drop a datagram; sees (destination is server, index of that sender's flight, bytes).
    var dropFilter: (Bool, Int, [UInt8]) -> Bool = { _, _, _ in false }
    var delivered = 0
    var largestDatagram = 0

    init(
        clientProfiles: [SRTPProtectionProfile] = [.aeadAES128GCM, .aesCM128HMACSHA1_80],
        serverProfiles: [SRTPProtectionProfile] = [.aeadAES128GCM, .aesCM128HMACSHA1_80],
        clientExpects: DTLSFingerprint? = nil
    ) throws {
        let clientCertificate = try DTLSCertificate(commonName: "client")
        let serverCertificate = try DTLSCertificate(commonName: "server")
        client = Peer(
            "client",
            try DTLSStateMachine(
                role: .client, certificate: clientCertificate,
                expectedRemoteFingerprint: clientExpects ?? serverCertificate.fingerprint, profiles: clientProfiles))
        server = Peer(
            "server",
            try DTLSStateMachine(
                role: .server, certificate: serverCertificate,
                expectedRemoteFingerprint: clientCertificate.fingerprint, profiles: serverProfiles))
    }

    func run(_ actions: [DTLSStateMachine.Action], from peer: Peer) {
        let toServer = peer === client
        for action in actions {
            switch action {
            case .sendDatagrams(let datagrams):
                peer.sentFlights += 1
                largestDatagram = max(largestDatagram, datagrams.map(\.count).max() ?? 0)
                for datagram in datagrams where !dropFilter(toServer, peer.sentFlights, datagram) {
                    inFlight.append((toServer, datagram))
                }
            case .armTimer(let at): peer.timer = at
            case .connected(let keying, let profile):
                peer.keying = keying
                peer.profile = profile
            case .failed(let error): peer.failure = error
            case .applicationDataReceived(let bytes): peer.applicationData.append(bytes)
            }
        }
    }

    func start() {
        run(server.machine.start(now: clock.now()), from: server)
        run(client.machine.start(now: clock.now()), from: client)
    }

    /// Delivers datagrams until none are in flight (bounded).
    func pump() {
        var budget = 200
        while !inFlight.isEmpty && budget > 0 {
            budget -= 1
            let (toServer, bytes) = inFlight.removeFirst()
            let peer = toServer ? server : client
            delivered += 1
            run(peer.machine.datagramReceived(bytes, now: clock.now()), from: peer)
        }
    }

    /// Advances the manual clock to the earliest armed timer and fires it.
    func fireEarliestTimer() {
        let armed = [client, server].filter { $0.timer != nil && $0.failure == nil && $0.keying == nil }
        guard let peer = armed.min(by: { $0.timer! < $1.timer! }), let at = peer.timer else { return }
        let now = clock.now()
        if at > now { clock.advance(by: at - now) }
        peer.timer = nil
        run(peer.machine.timerFired(now: clock.now()), from: peer)
    }

    var bothConnected: Bool { client.keying != nil && server.keying != nil }
}

@Suite struct DTLSCertificateTests {
    @Test func fingerprintIsUpperCaseColonHexOfSHA256() throws {
        let certificate = try DTLSCertificate()
        let value = certificate.fingerprint.sdpValue
        #expect(value.count == 32 * 3 - 1)
        #expect(value == value.uppercased())
        #expect(value.split(separator: ":").count == 32)
        #expect(DTLSFingerprint(sdpValue: value) == certificate.fingerprint)
        #expect(DTLSFingerprint(sdpValue: value.lowercased()) == certificate.fingerprint)
        #expect(certificate.fingerprint.description == "sha-256 " + value)
        #expect(try DTLSCertificate().fingerprint != certificate.fingerprint)
    }

    @Test func fingerprintParsingRejectsMalformedValues() {
        #expect(DTLSFingerprint(sdpValue: "") == nil)
        #expect(DTLSFingerprint(sdpValue: "AB:CD") == nil)
        #expect(DTLSFingerprint(sdpValue: Array(repeating: "G0", count: 32).joined(separator: ":")) == nil)
        #expect(DTLSFingerprint(sdpValue: Array(repeating: "0", count: 32).joined(separator: ":")) == nil)
        #expect(DTLSFingerprint(sdpValue: Array(repeating: "0A", count: 32).joined(separator: ":")) != nil)
        #expect(DTLSFingerprint(bytes: [1, 2, 3]) == nil)
    }
}

@Suite struct DTLSStateMachineTests {
    @Test(arguments: SRTPProtectionProfile.allCases)
    func backToBackHandshakeAgreesOnKeys(profile: SRTPProtectionProfile) throws {
        let link = try Link(clientProfiles: [profile], serverProfiles: [profile])
        link.start()
        #expect(link.client.timer != nil)  // ClientHello sent, retransmission armed
        #expect(link.server.timer == nil)
        link.pump()
        #expect(link.bothConnected)
        #expect(link.client.failure == nil && link.server.failure == nil)
        #expect(link.client.profile == profile && link.server.profile == profile)
        let client = try #require(link.client.keying)
        let server = try #require(link.server.keying)
        #expect(client.localKey == server.remoteKey)
        #expect(client.localSalt == server.remoteSalt)
        #expect(client.remoteKey == server.localKey)
        #expect(client.localKey != client.remoteKey)
        #expect(client.localSalt.count == profile.saltLength)
        #expect(link.client.machine.state == .connected && link.server.machine.state == .connected)
        #expect(link.largestDatagram > 0 && link.largestDatagram <= 1200)
    }

    @Test func smallMTUSplitsFlightsIntoDatagrams() throws {
        let clientCertificate = try DTLSCertificate()
        let serverCertificate = try DTLSCertificate()
        let configuration = DTLSStateMachine.Configuration(mtu: 300)
        let client = try DTLSStateMachine(
            role: .client, certificate: clientCertificate, expectedRemoteFingerprint: serverCertificate.fingerprint,
            configuration: configuration)
        let server = try DTLSStateMachine(
            role: .server, certificate: serverCertificate, expectedRemoteFingerprint: clientCertificate.fingerprint,
            configuration: configuration)
        _ = server.start(now: .zero)
        var sizes: [Int] = []
        var toServer = datagrams(client.start(now: .zero))
        for _ in 0..<6 {
            sizes += toServer.map(\.count)
            let toClient = toServer.flatMap { datagrams(server.datagramReceived($0, now: .zero)) }
            sizes += toClient.map(\.count)
            toServer = toClient.flatMap { datagrams(client.datagramReceived($0, now: .zero)) }
        }
        #expect(client.state == .connected && server.state == .connected)
        #expect(sizes.allSatisfy { $0 <= 300 })
        #expect(sizes.count > 6)  // the certificate flights had to be fragmented
    }

    @Test func serverPreferenceSelectsProfileBothOffer() throws {
        let link = try Link(clientProfiles: [.aesCM128HMACSHA1_80, .aeadAES128GCM], serverProfiles: [.aeadAES128GCM])
        link.start()
        link.pump()
        #expect(link.client.profile == .aeadAES128GCM && link.server.profile == .aeadAES128GCM)
    }

    @Test func noCommonProfileFails() throws {
        let link = try Link(clientProfiles: [.aesCM128HMACSHA1_80], serverProfiles: [.aeadAES128GCM])
        link.start()
        link.pump()
        #expect(!link.bothConnected)
        #expect(link.client.failure != nil || link.server.failure != nil)
    }

    @Test func fingerprintMismatchFails() throws {
        let impostor = try DTLSCertificate(commonName: "impostor")
        let link = try Link(clientExpects: impostor.fingerprint)
        link.start()
        link.pump()
        guard case .fingerprintMismatch(let expected, let actual)? = link.client.failure else {
            Issue.record("client did not fail with a fingerprint mismatch: \(String(describing: link.client.failure))")
            return
        }
        #expect(expected == impostor.fingerprint)
        #expect(actual != impostor.fingerprint)
        #expect(link.client.keying == nil)
        #expect(link.client.machine.state == .failed)
        // The server finished, then saw our close_notify.
        #expect(link.server.failure == .closedByPeer)
    }

    @Test func bothRoleAssignmentsAgree() throws {
        // The same two certificates, each playing each role.
        let a = try DTLSCertificate(commonName: "a")
        let b = try DTLSCertificate(commonName: "b")
        for (clientCert, serverCert) in [(a, b), (b, a)] {
            let client = try DTLSStateMachine(
                role: .client, certificate: clientCert, expectedRemoteFingerprint: serverCert.fingerprint)
            let server = try DTLSStateMachine(
                role: .server, certificate: serverCert, expectedRemoteFingerprint: clientCert.fingerprint)
            var toServer = datagrams(server.start(now: .zero)) + datagrams(client.start(now: .zero))
            var toClient: [[UInt8]] = []
            var clientKeys: SRTPKeyingMaterial?
            var serverKeys: SRTPKeyingMaterial?
            for _ in 0..<10 {
                for datagram in toServer {
                    let actions = server.datagramReceived(datagram, now: .zero)
                    toClient += datagrams(actions)
                    serverKeys = serverKeys ?? keys(actions)
                }
                toServer = []
                for datagram in toClient {
                    let actions = client.datagramReceived(datagram, now: .zero)
                    toServer += datagrams(actions)
                    clientKeys = clientKeys ?? keys(actions)
                }
                toClient = []
            }
            let c = try #require(clientKeys)
            let s = try #require(serverKeys)
            #expect(c.localMasterKey == s.remoteMasterKey && c.remoteMasterKey == s.localMasterKey)
        }
    }

    @Test func droppedClientHelloRecoversViaTimer() throws {
        let link = try Link()
        link.dropFilter = { toServer, flight, _ in toServer && flight == 1 }
        link.start()
        link.pump()
        #expect(link.delivered == 0)
        let armed = try #require(link.client.timer)
        #expect(armed >= SimInstant.zero + .milliseconds(900) && armed <= SimInstant.zero + .seconds(1))
        // Firing early does nothing.
        #expect(link.client.machine.timerFired(now: .zero + .milliseconds(10)).isEmpty)
        link.fireEarliestTimer()
        link.pump()
        #expect(link.bothConnected)
        #expect(link.clock.now() >= .zero + .milliseconds(900))
    }

    @Test(arguments: [(false, 1), (true, 2), (false, 2)])
    func droppedLaterFlightRecoversViaTimer(toServer dropToServer: Bool, flight dropFlight: Int) throws {
        // (false, 1): the server's first flight; (true, 2): the client's second flight (keys + Finished);
        // (false, 2): the server's final flight (ChangeCipherSpec + Finished).
        let link = try Link()
        link.dropFilter = { toServer, flight, _ in toServer == dropToServer && flight == dropFlight }
        link.start()
        for _ in 0..<6 where !link.bothConnected {
            link.pump()
            if !link.bothConnected { link.fireEarliestTimer() }
        }
        #expect(link.bothConnected)
        #expect(link.client.failure == nil && link.server.failure == nil)
        #expect(link.client.keying?.localKey == link.server.keying?.remoteKey)
        if !dropToServer && dropFlight == 2 {
            #expect(link.server.sentFlights == 3)  // the finished server replayed its final flight once
        }
    }

    @Test func silentPeerTimesOut() throws {
        let link = try Link()
        link.dropFilter = { _, _, _ in true }
        link.start()
        var previous = try #require(link.client.timer)
        var gaps: [Duration] = []
        for _ in 0..<20 where link.client.failure == nil {
            link.fireEarliestTimer()
            if let next = link.client.timer {
                gaps.append(next - previous)
                previous = next
            }
        }
        #expect(link.client.failure == .handshakeTimeout)
        #expect(gaps.prefix(3) == [.seconds(2), .seconds(4), .seconds(8)])
        #expect(gaps.allSatisfy { $0 <= .seconds(60) })
    }

    @Test func garbageNeverTraps() throws {
        var generator = SplitMix64(seed: 2024)
        func noise(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        var cases: [[UInt8]] = [[], [22], [22, 0xFE, 0xFD], [0xFF] + noise(40), [23, 0xFE, 0xFD] + noise(60)]
        // Plausible record headers with lying lengths.
        cases.append([22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + noise(20))
        cases.append([22, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0xFF])
        for _ in 0..<100 { cases.append(noise(Int(generator.next() % 300))) }

        // Non-DTLS garbage interleaved with a handshake: it is dropped and the handshake still completes.
        let link = try Link()
        link.start()
        for junk in [[0xFF] + noise(50), [20, 0xFE, 0xFD], [0x80] + noise(30)] {
            link.run(link.server.machine.datagramReceived(junk, now: link.clock.now()), from: link.server)
            link.run(link.client.machine.datagramReceived(junk, now: link.clock.now()), from: link.client)
        }
        link.pump()
        #expect(link.bothConnected)

        // Arbitrary bytes at every stage: any outcome but a trap.
        for bytes in cases {
            let fresh = try Link()
            _ = fresh.server.machine.datagramReceived(bytes, now: .zero)
            _ = fresh.client.machine.datagramReceived(bytes, now: .zero)
        }
        for bytes in cases {
            _ = link.client.machine.datagramReceived(bytes, now: link.clock.now())
            _ = link.server.machine.datagramReceived(bytes, now: link.clock.now())
            _ = link.client.machine.timerFired(now: link.clock.now())
        }
    }

    @Test func spoofedApplicationDataRecordsAreDiscardedSilently() throws {
        // RFC 6347 §4.1.2.7: records that fail authentication are dropped; the association carries on.
        let link = try Link()
        link.start()
        link.pump()
        #expect(link.bothConnected)
        var generator = SplitMix64(seed: 6347)
        for n in 0..<200 {
            // content type 23, DTLS 1.2, epoch 1, a sequence number, a length, then noise.
            let sequence = UInt64(1000 + n)
            var record: [UInt8] = [23, 0xFE, 0xFD, 0, 1]
            for shift in stride(from: 40, through: 0, by: -8) { record.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
            record += [0, 64] + (0..<64).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            link.run(link.server.machine.datagramReceived(record, now: link.clock.now()), from: link.server)
        }
        #expect(link.server.failure == nil && link.server.machine.state == .connected)
        link.run(link.client.machine.sendApplicationData([9, 9, 9], now: link.clock.now()), from: link.client)
        link.pump()
        #expect(link.server.applicationData == [[9, 9, 9]])
    }

    @Test func applicationDataAndCloseNotify() throws {
        let link = try Link()
        link.start()
        link.pump()
        #expect(link.bothConnected)
        link.run(link.client.machine.sendApplicationData([1, 2, 3, 4], now: link.clock.now()), from: link.client)
        link.pump()
        #expect(link.server.applicationData == [[1, 2, 3, 4]])
        link.run(link.server.machine.close(now: link.clock.now()), from: link.server)
        link.pump()
        #expect(link.client.failure == .closedByPeer)
        #expect(link.server.machine.state == .failed)
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func endToEndSRTPAfterHandshake(profile: SRTPProtectionProfile) throws {
        let link = try Link(clientProfiles: [profile], serverProfiles: [profile])
        link.start()
        link.pump()
        let clientKeys = try #require(link.client.keying)
        let serverKeys = try #require(link.server.keying)
        let clientOut = try SRTPContext(outbound: clientKeys)
        let clientIn = try SRTPContext(inbound: clientKeys)
        let serverOut = try SRTPContext(outbound: serverKeys)
        let serverIn = try SRTPContext(inbound: serverKeys)

        let rtp: [UInt8] = [0x80, 96, 0, 1, 0, 0, 0, 100, 0xDE, 0xAD, 0xBE, 0xEF] + Array(repeating: 0x42, count: 100)
        var upstream = rtp
        try clientOut.protectRTP(&upstream)
        try serverIn.unprotectRTP(&upstream)
        #expect(upstream == rtp)

        var downstream = rtp
        try serverOut.protectRTP(&downstream)
        try clientIn.unprotectRTP(&downstream)
        #expect(downstream == rtp)

        // The client's own inbound context must not accept its own outbound packets.
        var reflected = rtp
        reflected[3] = 2  // a new sequence number: protecting index 1 again would be a repeat transmission
        try clientOut.protectRTP(&reflected)
        #expect(throws: SRTPError.authenticationFailed) { try clientIn.unprotectRTP(&reflected) }

        let rtcp: [UInt8] = [0x80, 201, 0, 1, 0xDE, 0xAD, 0xBE, 0xEF]
        var report = rtcp
        try serverOut.protectRTCP(&report)
        try clientIn.unprotectRTCP(&report)
        #expect(report == rtcp)

        // Outbound contexts refuse to protect the same index twice (RFC 3711 §9.1) unless told to.
        var again = rtp
        #expect(throws: SRTPError.replayed) { try clientOut.protectRTP(&again) }
    }
}

private func datagrams(_ actions: [DTLSStateMachine.Action]) -> [[UInt8]] {
    actions.flatMap { action -> [[UInt8]] in
        if case .sendDatagrams(let datagrams) = action { return datagrams }
        return []
    }
}

private func keys(_ actions: [DTLSStateMachine.Action]) -> SRTPKeyingMaterial? {
    for action in actions { if case .connected(let keys, _) = action { return keys } }
    return nil
}
