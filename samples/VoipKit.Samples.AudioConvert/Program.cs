Console.WriteLine("VoipKit audio sample");
