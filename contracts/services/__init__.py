"""Every write and state change of the contracts app, one module per topic; import each verb from its module.

    states       which case states allow which work (assessments, contacts): the one place to change that rule
    assessment   needs assessments and keyworker actions
    contract     the contract and its conditions: draft, agreement, decision, progress, end at closure
    contacts     appointments and contacts, and non-compliance
    variation    extensions and changes to a condition, proposed and decided
    closure      completion, breach and withdrawal, proposed and decided, and the case closed
    notices      who is told at once of a proposal waiting or a decision made
    reminders    the daily reminders job
    erasure      disposal of free text at the end of retention
"""
