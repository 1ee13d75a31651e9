/// Typed views of the session-level attributes, and per-section lookups with session-level fallback.
extension SessionDescription {
    /// Every valid `a=group`, in order.
    public var groups: [SDPGroup] { attributes.values(named: "group").compactMap(SDPGroup.init(attributeValue:)) }

    /// The mids of the first BUNDLE group (RFC 8843), or empty when nothing is bundled.
    public var bundleMIDs: [MediaID] {
        groups.first { $0.semantics == SDPGroup.bundleSemantics }?.mids ?? []
    }

    /// The session-level `a=ice-ufrag`.
    public var iceUfrag: String? { attributes.values(named: "ice-ufrag").first }

    /// The session-level `a=ice-pwd`.
    public var icePwd: String? { attributes.values(named: "ice-pwd").first }

    /// The session-level `a=fingerprint` (Firefox writes it here).
    public var fingerprint: DTLSFingerprint? {
        attributes.values(named: "fingerprint").first.flatMap(DTLSFingerprint.init(attributeValue:))
    }

    /// The session-level `a=setup`.
    public var setup: DTLSSetupRole? {
        attributes.values(named: "setup").first.flatMap(DTLSSetupRole.init(rawValue:))
    }

    /// Whether `a=ice-lite` is present (RFC 8839 §5.3).
    public var iceLite: Bool { attributes.contains(named: "ice-lite") }

    /// Whether `a=extmap-allow-mixed` is present at session level (RFC 8285 §6).
    public var extmapAllowMixed: Bool { attributes.contains(named: "extmap-allow-mixed") }

    /// The media section whose `a=mid` is `mid`.
    public func media(withMID mid: MediaID) -> MediaDescription? {
        media.first { $0.mid == mid }
    }

    /// The ICE ufrag for a section: its own, else the session-level one.
    public func iceUfrag(for media: MediaDescription) -> String? { media.iceUfrag ?? iceUfrag }

    /// The ICE password for a section: its own, else the session-level one.
    public func icePwd(for media: MediaDescription) -> String? { media.icePwd ?? icePwd }

    /// The DTLS fingerprint for a section: its own, else the session-level one.
    public func fingerprint(for media: MediaDescription) -> DTLSFingerprint? { media.fingerprint ?? fingerprint }

    /// The DTLS setup role for a section: its own, else the session-level one.
    public func setup(for media: MediaDescription) -> DTLSSetupRole? { media.setup ?? setup }
}
