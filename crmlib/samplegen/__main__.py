from crmlib.samplegen import main

raise SystemExit(main())
