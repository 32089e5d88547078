//! Staff groups gathered for charts and tables: one set per group id (a
//! regional model's copies of it together), or, in a model with more ids
//! than a chart can show, one set per staff family. Pure, on the model.

use crate::model::Model;

/// Most panels in a small-multiples chart (the "all others" panel
/// included), and so the most group ids shown before they are gathered by
/// family.
pub const MAX_PANELS: usize = 12;

/// Staff groups gathered for a chart or a table: one group id (a regional
/// model's copies of it together), or one staff family.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSet {
    /// The group id, or the family.
    pub id: String,
    /// The group's name, or the family.
    pub name: String,
    /// The model's groups in the set (indices; in `compare::Impact`,
    /// indices of its `groups`).
    pub members: Vec<usize>,
}

/// The model's groups one set per group id — or, when there are more ids
/// than `max` and some group declares a `family`, one set per family (a
/// group without a family a set of its own), in the order first met. The
/// second value says whether the sets are families.
pub fn group_sets(model: &Model, max: usize) -> (Vec<GroupSet>, bool) {
    let gather = |key: &dyn Fn(usize) -> (String, String)| {
        let mut sets: Vec<GroupSet> = Vec::new();
        for g in 0..model.groups.len() {
            let (id, name) = key(g);
            match sets.iter_mut().find(|set| set.id == id) {
                Some(set) => set.members.push(g),
                None => sets.push(GroupSet {
                    id,
                    name,
                    members: vec![g],
                }),
            }
        }
        sets
    };
    let by_id = gather(&|g| (model.groups[g].id.clone(), model.groups[g].name.clone()));
    if by_id.len() <= max || model.groups.iter().all(|g| g.family.is_none()) {
        return (by_id, false);
    }
    let by_family = gather(&|g| match &model.groups[g].family {
        Some(family) => (family.clone(), family.clone()),
        None => (model.groups[g].id.clone(), model.groups[g].name.clone()),
    });
    (by_family, true)
}
