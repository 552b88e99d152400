/// Stands in for `Patrol.swift`, which the fuzz build leaves out because it reaches the GitHub simulator.
public enum Patrol {
    public static let version = "0.0.0-fuzz"
}
