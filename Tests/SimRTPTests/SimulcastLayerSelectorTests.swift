import SimRTP
import Testing

/// `#expect(actual == expected)` for values from mutating calls, which the `#expect` macro cannot capture.
private func check<T: Equatable>(_ actual: T, _ expected: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, sourceLocation: sourceLocation)
}

@Suite struct SimulcastLayerSelectorTests {
    typealias Decision = SimulcastLayerSelector.Decision

    static let layers = [
        SimulcastLayerInfo(layer: .low, width: 320, height: 180),
        SimulcastLayerInfo(layer: .medium, width: 640, height: 360),
        SimulcastLayerInfo(layer: .high, width: 1280, height: 720),
    ]

    static func layers(active: Set<SimulcastLayer>) -> [SimulcastLayerInfo] {
        layers.map { info in
            var info = info
            info.isActive = active.contains(info.layer)
            return info
        }
    }

    @Test func ridMapping() {
        #expect(SimulcastLayer(rid: "q") == .low && SimulcastLayer(rid: "h") == .medium && SimulcastLayer(rid: "f") == .high)
        #expect(SimulcastLayer(rid: "2") == .low && SimulcastLayer(rid: "1") == .medium && SimulcastLayer(rid: "0") == .high)
        #expect(SimulcastLayer(rid: "x") == nil)
        #expect(SimulcastLayer.low.rid == "q" && SimulcastLayer.high.rid == "f")
        #expect(SimulcastLayer.low < .medium && SimulcastLayer.medium < .high)
    }

    @Test func subscribeTargetsTheHighestAndAsksForAKeyframe() {
        var selector = SimulcastLayerSelector()
        #expect(selector.targetLayer == nil)
        check(selector.layersChanged(Self.layers), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
        check(selector.layersChanged(Self.layers), Decision(targetLayer: .high, targetChanged: false, requestKeyframe: false))
    }

    @Test func nothingPublishedYetThenLayersArrive() {
        var selector = SimulcastLayerSelector()
        check(selector.settingsChanged(SimulcastSubscriberSettings()), Decision(targetLayer: nil, targetChanged: false, requestKeyframe: false))
        check(selector.layersChanged(Self.layers), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
    }

    @Test func maxQualityCapsTheLayer() {
        var selector = SimulcastLayerSelector(settings: SimulcastSubscriberSettings(maxQuality: .medium))
        check(selector.layersChanged(Self.layers).targetLayer, .medium)
        check(selector.settingsChanged(SimulcastSubscriberSettings(maxQuality: .low)), Decision(targetLayer: .low, targetChanged: true, requestKeyframe: true))
        check(selector.settingsChanged(SimulcastSubscriberSettings(maxQuality: .high)), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
    }

    @Test func dimensionsPickTheSmallestCoveringLayer() {
        func pick(width: UInt32, height: UInt32, max: SimulcastLayer = .high) -> SimulcastLayer? {
            SimulcastLayerSelector.select(
                layers: Self.layers, settings: SimulcastSubscriberSettings(maxQuality: max, width: width, height: height)
            )
        }
        #expect(pick(width: 600, height: 340) == .medium)
        #expect(pick(width: 640, height: 360) == .medium)
        #expect(pick(width: 641, height: 361) == .high)
        #expect(pick(width: 200, height: 100) == .low)
        #expect(pick(width: 1920, height: 1080) == .high)  // nothing covers: the best
        #expect(pick(width: 360, height: 640) == .medium)  // portrait element: short sides compared
        #expect(pick(width: 700, height: 0) == .high)  // width only
        #expect(pick(width: 0, height: 180) == .low)  // height only
        #expect(pick(width: 1920, height: 1080, max: .low) == .low)  // maxQuality still caps
        #expect(pick(width: 0, height: 0) == .high)  // no size requested
    }

    @Test func unknownDimensionsAreIgnored() {
        let layers = [SimulcastLayerInfo(layer: .low), SimulcastLayerInfo(layer: .high)]
        #expect(SimulcastLayerSelector.select(layers: layers, settings: SimulcastSubscriberSettings(width: 100, height: 100)) == .high)
    }

    @Test func pauseForwardsNothingAndResumeAsksForAKeyframe() {
        var selector = SimulcastLayerSelector()
        _ = selector.layersChanged(Self.layers)
        check(selector.settingsChanged(SimulcastSubscriberSettings(isPaused: true)), Decision(targetLayer: nil, targetChanged: true, requestKeyframe: false))
        check(selector.layersChanged(Self.layers), Decision(targetLayer: nil, targetChanged: false, requestKeyframe: false))
        check(selector.settingsChanged(SimulcastSubscriberSettings()), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
    }

    @Test func stoppedTargetFallsBackToTheBestLowerActiveLayer() {
        var selector = SimulcastLayerSelector()
        _ = selector.layersChanged(Self.layers)
        check(selector.layersChanged(Self.layers(active: [.low, .medium])), Decision(targetLayer: .medium, targetChanged: true, requestKeyframe: true))
        check(selector.layersChanged(Self.layers(active: [.low])), Decision(targetLayer: .low, targetChanged: true, requestKeyframe: true))
        check(selector.layersChanged(Self.layers(active: [])), Decision(targetLayer: nil, targetChanged: true, requestKeyframe: false))
        check(selector.layersChanged(Self.layers), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
    }

    @Test func nothingActiveAtOrBelowTheCapUsesTheLowestAbove() {
        var selector = SimulcastLayerSelector(settings: SimulcastSubscriberSettings(maxQuality: .low))
        check(selector.layersChanged(Self.layers(active: [.medium, .high])).targetLayer, .medium)
    }

    @Test func singleLayerTrack() {
        var selector = SimulcastLayerSelector(settings: SimulcastSubscriberSettings(maxQuality: .low))
        let single = [SimulcastLayerInfo(layer: .high, width: 1280, height: 720)]
        check(selector.layersChanged(single), Decision(targetLayer: .high, targetChanged: true, requestKeyframe: true))
    }
}
