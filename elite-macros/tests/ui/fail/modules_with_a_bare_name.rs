// `modules!` takes nothing, or `mod <name> = "<folder>"`: a bare name says what it accepts.
elite_macros::modules!(apps);

fn main() {}
