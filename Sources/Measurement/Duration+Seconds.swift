extension Duration {
    /// The duration in seconds as a `Double`, for statistics and reports (exact to well below a
    /// nanosecond for any run length).
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
