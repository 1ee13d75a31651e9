/// What the publisher currently sends on one simulcast layer.
public struct SimulcastLayerInfo: Sendable, Equatable {
    /// Which layer.
    public var layer: SimulcastLayer
    /// Frame width in pixels (0 when unknown).
    public var width: UInt32
    /// Frame height in pixels (0 when unknown).
    public var height: UInt32
    /// Whether the publisher is sending this layer (packets arriving, not disabled by the encoder or dynacast).
    public var isActive: Bool

    /// Describes one layer.
    public init(layer: SimulcastLayer, width: UInt32 = 0, height: UInt32 = 0, isActive: Bool = true) {
        self.layer = layer
        self.width = width
        self.height = height
        self.isActive = isActive
    }
}

/// A subscriber's wishes for one video track (`UpdateTrackSettings`: disabled, quality, width, height).
public struct SimulcastSubscriberSettings: Sendable, Equatable {
    /// The best layer the subscriber accepts (default `.high`).
    public var maxQuality: SimulcastLayer
    /// The rendered width in pixels, 0 when not given.
    public var width: UInt32
    /// The rendered height in pixels, 0 when not given.
    public var height: UInt32
    /// Whether the subscriber disabled the track (nothing is forwarded).
    public var isPaused: Bool

    /// Collects the settings; the defaults ask for the best layer.
    public init(maxQuality: SimulcastLayer = .high, width: UInt32 = 0, height: UInt32 = 0, isPaused: Bool = false) {
        self.maxQuality = maxQuality
        self.width = width
        self.height = height
        self.isPaused = isPaused
    }
}

/// Picks the one simulcast layer a subscriber gets (livekit-signaling.md §7) and says when to ask the
/// publisher for a keyframe.
///
/// The target is the highest active layer not above the subscriber's cap, where the cap is `maxQuality`
/// lowered to the smallest layer that still covers the requested width/height. When no active layer is at or
/// below the cap, the lowest active layer above it is used (some video rather than none, as LiveKit's
/// forwarder does when the requested layer is not published). Paused or nothing active: no layer. Feed it
/// events; each returns a `Decision`.
public struct SimulcastLayerSelector: Sendable {
    /// The outcome of one event.
    public struct Decision: Sendable, Equatable {
        /// The layer to forward now, or `nil` for none; hand it to `RTPMunger.targetLayerChanged(to:)`.
        public var targetLayer: SimulcastLayer?
        /// Whether the target differs from before this event.
        public var targetChanged: Bool
        /// Whether to send a PLI for `targetLayer` to the publisher (on subscribe, resume and switch).
        public var requestKeyframe: Bool

        /// Collects a decision.
        public init(targetLayer: SimulcastLayer?, targetChanged: Bool, requestKeyframe: Bool) {
            self.targetLayer = targetLayer
            self.targetChanged = targetChanged
            self.requestKeyframe = requestKeyframe
        }
    }

    /// The publisher's layers as last reported.
    public private(set) var layers: [SimulcastLayerInfo]
    /// The subscriber's settings as last reported.
    public private(set) var settings: SimulcastSubscriberSettings
    /// The layer currently chosen, or `nil`.
    public private(set) var targetLayer: SimulcastLayer?

    /// Starts with no layers known and no target; the first event that yields a layer counts as the subscribe.
    public init(settings: SimulcastSubscriberSettings = SimulcastSubscriberSettings()) {
        layers = []
        self.settings = settings
        targetLayer = nil
    }

    /// The publisher's layers changed (published, started, stopped, resolution changed).
    public mutating func layersChanged(_ layers: [SimulcastLayerInfo]) -> Decision {
        self.layers = layers
        return reselect()
    }

    /// The subscriber's settings changed (`UpdateTrackSettings`).
    public mutating func settingsChanged(_ settings: SimulcastSubscriberSettings) -> Decision {
        self.settings = settings
        return reselect()
    }

    private mutating func reselect() -> Decision {
        let previous = targetLayer
        targetLayer = Self.select(layers: layers, settings: settings)
        let changed = targetLayer != previous
        return Decision(targetLayer: targetLayer, targetChanged: changed, requestKeyframe: changed && targetLayer != nil)
    }

    /// The layer `settings` calls for among `layers`, or `nil`; pure.
    public static func select(layers: [SimulcastLayerInfo], settings: SimulcastSubscriberSettings) -> SimulcastLayer? {
        if settings.isPaused { return nil }
        let cap = min(settings.maxQuality, dimensionCap(layers: layers, settings: settings))
        var bestBelow: SimulcastLayer?
        var lowestAbove: SimulcastLayer?
        for info in layers where info.isActive {
            if info.layer <= cap {
                if bestBelow.map({ info.layer > $0 }) ?? true { bestBelow = info.layer }
            } else if lowestAbove.map({ info.layer < $0 }) ?? true {
                lowestAbove = info.layer
            }
        }
        return bestBelow ?? lowestAbove
    }

    /// The smallest layer whose frame covers the requested size (the short sides compared when both are
    /// given, so orientation does not matter); `.high` when no size is requested, none is known or none covers.
    private static func dimensionCap(layers: [SimulcastLayerInfo], settings: SimulcastSubscriberSettings) -> SimulcastLayer {
        guard settings.width > 0 || settings.height > 0 else { return .high }
        var cap: SimulcastLayer?
        for info in layers where info.width > 0 && info.height > 0 && covers(info, settings) {
            if cap.map({ info.layer < $0 }) ?? true { cap = info.layer }
        }
        return cap ?? .high
    }

    private static func covers(_ info: SimulcastLayerInfo, _ settings: SimulcastSubscriberSettings) -> Bool {
        switch (settings.width > 0, settings.height > 0) {
        case (true, true): min(info.width, info.height) >= min(settings.width, settings.height)
        case (true, false): info.width >= settings.width
        default: info.height >= settings.height
        }
    }
}
