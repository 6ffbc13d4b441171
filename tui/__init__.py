"""casusnet's terminal UI for the people at the table: a textual app that talks to its
own node only through the local API client (``node.apiclient``)."""
