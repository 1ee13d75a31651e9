/// One value per simulcast layer, stored inline: reading and writing never allocate (the media hot path keeps
/// per-layer SSRCs, timestamps and flags in these instead of arrays or dictionaries).
public struct SimulcastLayerSlots<Value>: Sendable where Value: Sendable {
    private var low: Value
    private var medium: Value
    private var high: Value

    /// Every layer starts with `value`.
    public init(repeating value: Value) {
        low = value
        medium = value
        high = value
    }

    /// The value of `layer`.
    public subscript(layer: SimulcastLayer) -> Value {
        get {
            switch layer {
            case .low: low
            case .medium: medium
            case .high: high
            }
        }
        set {
            switch layer {
            case .low: low = newValue
            case .medium: medium = newValue
            case .high: high = newValue
            }
        }
    }
}

extension SimulcastLayerSlots: Equatable where Value: Equatable {}
