//! The fixture of the entity timelines (issue 16 point 4), shared by their build and
//! browser tests.

use super::TestSite;

/// A person with two statements, an organisation with dated relations, events and an
/// undated note linking to a place.
pub fn fixture() -> TestSite {
    TestSite::with_files(&[
        (
            "content/people/ann.md",
            "---\ntitle: Ann Speaker\n---\nAnn.\n",
        ),
        (
            "content/statements/late.md",
            "---\ntitle: Ann on the harbour\ndate: 2021-05-01\nspeaker: \"[[Ann Speaker]]\"\n---\nShe said so.\n",
        ),
        (
            "content/statements/early.md",
            "---\ntitle: Ann on the bridge\ndate: 2020-03\nspeaker: Ann Speaker\ntags: [roads]\n---\nShe said it first.\n",
        ),
        (
            "content/organizations/port-authority.md",
            "---\ntitle: Port Authority\nsources:\n  - {id: reg, title: The register}\nrelations:\n  - {type: located_in, to: \"[[Harbour Town]]\", from: 2019-06, sources: [reg]}\n  - {type: part_of, to: \"[[Coast League]]\", from: 2018, until: 2022}\n---\nAn authority.\n",
        ),
        (
            "content/organizations/coast-league.md",
            "---\ntitle: Coast League\n---\nA league.\n",
        ),
        (
            "content/places/harbour-town.md",
            "---\ntitle: Harbour Town\n---\nA town.\n",
        ),
        (
            "content/events/opening.md",
            "---\ntitle: Opening of the pier\ndate: 2022-01-10\ntags: [roads]\n---\nAt [[Harbour Town]].\n",
        ),
        (
            "content/events/storm.md",
            "---\ntitle: The great storm\ndate: 2021\n---\nIt hit [[Harbour Town]].\n",
        ),
        (
            "content/topics/guide.md",
            "---\ntitle: A guide\ntags: [roads, guides]\n---\nAbout [[Harbour Town]].\n",
        ),
    ])
}
