namespace LeadFunctions.Destinations.HubSpot;

/// <summary>What a lead does to a contact that has its e-mail address already.</summary>
public enum ExistingContact
{
    /// <summary>Nothing: the contact exists, so the lead counts as delivered (the default).</summary>
    Delivered,

    /// <summary>The contact's properties are updated with the lead's mapped properties (its lead id stays the first lead's).</summary>
    Update,
}
